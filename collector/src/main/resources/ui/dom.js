// Every value from the collector enters the page as a text node or an attribute value, never as markup,
// so a span named "<img src=x onerror=alert(1)>" shows as those characters.

/** el('td', {class: 'num'}, 'text', childNode, ...): an element with attributes, listeners and children. */
export function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
        if (value === null || value === undefined || value === false) {
            continue;
        }
        if (name.startsWith('on')) {
            node.addEventListener(name.slice(2), value);
        } else {
            node.setAttribute(name, value === true ? '' : String(value));
        }
    }
    for (const child of children.flat()) {
        if (child !== null && child !== undefined) {
            node.append(child instanceof Node ? child : document.createTextNode(String(child)));
        }
    }
    return node;
}

/** A link inside the UI: each part is encoded, so data never changes where it leads. */
export function pageLink(text, page, ...parts) {
    return el('a', {href: '#/' + [page, ...parts.map(encodeURIComponent)].join('/')}, text);
}

/** A link inside the UI with query parameters, skipping empty ones. */
export function queryLink(text, page, parameters) {
    return el('a', {href: '#/' + page + '?' + query(parameters)}, text);
}

export function query(parameters) {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(parameters)) {
        if (value !== null && value !== undefined && value !== '') {
            search.set(name, value);
        }
    }
    return search.toString();
}

export function table(headings, rows, attributes = {}) {
    return el('table', attributes,
        el('thead', {}, el('tr', {}, headings.map(heading => el('th', {}, heading)))),
        el('tbody', {}, rows));
}

/**
 * Moves to `hash` without a hashchange (which would blank the page and lose its scroll position) and asks the app
 * to render it: page state kept in the URL (a selection, a sort order) survives the refresh and can be shared.
 */
export function replaceHash(hash) {
    history.replaceState(null, '', hash);
    window.dispatchEvent(new Event('callsight:refresh'));
}
