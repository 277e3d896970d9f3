// One trace: spans as a waterfall with retries and timeouts marked and the critical path drawn over the bars; a
// click on a span opens its details (attributes, events, links, retry, timeout, breaker changes) beside it. The
// selected span and the collapsed subtrees live in the URL, so they survive the auto-refresh and can be shared.
import {el, query, replaceHash, table} from './dom.js';
import {getJson} from './api.js';
import {nanosAsMillis} from './format.js';

const BREAKER_EVENT = 'callsight.circuit_breaker.state_change';

export async function traceView([traceId], parameters, config) {
    const trace = await getJson('/api/traces/' + encodeURIComponent(traceId));
    const tree = spanTree(trace.spans);
    const rows = ordered(tree);
    const start = Math.min(...trace.spans.map(span => span.startTimeUnixNano));
    const end = Math.max(...trace.spans.map(span => span.endTimeUnixNano));
    const total = Math.max(1, end - start);
    const critical = criticalPath(tree);
    const state = {
        traceId: trace.traceId,
        selected: parameters.get('span') || '',
        collapsed: new Set((parameters.get('collapsed') || '').split(',').filter(id => id)),
    };
    const selected = trace.spans.find(span => span.spanId === state.selected);
    const hidden = hiddenSpans(tree, state.collapsed);
    return el('section', {},
        el('h1', {}, 'Trace ', el('span', {class: 'mono', id: 'trace-id'}, trace.traceId)),
        el('p', {}, trace.spans.length + ' spans over ' + nanosAsMillis(end - start) + ' · critical path ',
            el('span', {id: 'critical-total'}, nanosAsMillis(critical.total)), ' in ',
            el('span', {id: 'critical-count'}, String(critical.spans.size)),
            critical.spans.size === 1 ? ' span (dark bars)' : ' spans (dark bars)',
            config.jaegerUi ? [' · ', el('a', {id: 'jaeger-link', target: '_blank', rel: 'noopener',
                href: config.jaegerUi + '/trace/' + encodeURIComponent(trace.traceId)}, 'open in Jaeger')] : null),
        el('div', {class: 'trace-layout'},
            el('div', {class: 'waterfall', id: 'waterfall'}, rows.filter(({span}) => !hidden.has(span.spanId))
                .map(({span, depth}) => spanRow(span, depth, tree, start, total, critical, state))),
            el('aside', {class: 'span-panel', id: 'span-panel'}, selected ? spanDetails(selected, tree)
                : el('p', {class: 'muted'}, 'Click a span for its attributes, events and links.'))));
}

/** Spans by id and their children, parents first; spans whose parent is missing count as roots. */
function spanTree(spans) {
    const byId = new Map(spans.map(span => [span.spanId, span]));
    const children = new Map();
    for (const span of spans) {
        const parent = span.parentSpanId && byId.has(span.parentSpanId) ? span.parentSpanId : null;
        children.set(parent, (children.get(parent) || []).concat([span]));
    }
    for (const list of children.values()) {
        list.sort((a, b) => a.startTimeUnixNano - b.startTimeUnixNano);
    }
    return {byId, childrenOf: id => children.get(id) || []};
}

/** Depth-first, siblings by start time. */
function ordered(tree) {
    const result = [];
    const visit = (parent, depth) => {
        for (const span of tree.childrenOf(parent)) {
            result.push({span, depth});
            visit(span.spanId, depth + 1);
        }
    };
    visit(null, 0);
    return result;
}

function hiddenSpans(tree, collapsed) {
    const hidden = new Set();
    const hide = id => tree.childrenOf(id).forEach(child => {
        hidden.add(child.spanId);
        hide(child.spanId);
    });
    collapsed.forEach(hide);
    return hidden;
}

/**
 * The critical path: the chain of work the trace's end waited on. From the longest root's end, walk back through the
 * child that finished last before the cursor (recursively, clipped to the cursor), then continue from that child's
 * start; time no child covers is the span's own. Returns the segments per span id and their total.
 */
function criticalPath(tree) {
    const segments = new Map();
    const add = (span, from, to) => {
        if (to > from) {
            segments.set(span.spanId, (segments.get(span.spanId) || []).concat([[from, to]]));
        }
    };
    // Each span's part is clipped to its parent's (a child in another JVM may start or end a little outside it),
    // so the path covers the root exactly once.
    const walk = (span, since, until) => {
        const from = Math.max(span.startTimeUnixNano, since);
        let cursor = Math.min(span.endTimeUnixNano, until);
        const children = tree.childrenOf(span.spanId).slice().sort((a, b) => b.endTimeUnixNano - a.endTimeUnixNano);
        for (const child of children) {
            if (child.startTimeUnixNano >= cursor || child.endTimeUnixNano <= from) {
                continue;
            }
            const childEnd = Math.min(child.endTimeUnixNano, cursor);
            add(span, childEnd, cursor);
            walk(child, from, childEnd);
            cursor = Math.max(from, child.startTimeUnixNano);
        }
        add(span, from, cursor);
    };
    const roots = tree.childrenOf(null);
    if (roots.length > 0) {
        walk(roots.reduce((a, b) => b.durationNanos > a.durationNanos ? b : a), -Infinity, Infinity);
    }
    let total = 0;
    segments.forEach(list => list.forEach(([from, to]) => { total += to - from; }));
    return {segments, spans: new Set(segments.keys()), total};
}

function remember(state) {
    const search = query({span: state.selected, collapsed: [...state.collapsed].join(',')});
    replaceHash('#/trace/' + encodeURIComponent(state.traceId) + (search ? '?' + search : ''));
}

function spanRow(span, depth, tree, traceStart, total, critical, state) {
    const timeoutKind = span.attributes['callsight.timeout.kind'];
    const failed = span.status.code === 'ERROR';
    const position = (node, from, to) => {
        node.style.left = ((from - traceStart) / total * 100).toFixed(2) + '%';
        node.style.width = Math.max(0.3, (to - from) / total * 100).toFixed(2) + '%';
        return node;
    };
    const track = el('span', {class: 'span-track'},
        position(el('span', {class: 'span-bar' + (failed ? ' failed' : '')}), span.startTimeUnixNano,
            span.endTimeUnixNano),
        (critical.segments.get(span.spanId) || []).map(([from, to]) => position(el('span', {class: 'critical'}), from, to)));
    const children = tree.childrenOf(span.spanId).length;
    const collapsed = state.collapsed.has(span.spanId);
    const toggle = children === 0 ? el('span', {class: 'toggle'}) : el('button', {type: 'button',
        class: 'toggle', title: (collapsed ? 'show ' : 'hide ') + children + ' child spans', onclick: event => {
            event.stopPropagation();
            state.collapsed[collapsed ? 'delete' : 'add'](span.spanId);
            remember(state);
        }}, collapsed ? '▸' : '▾');
    const label = el('span', {class: 'span-label'}, toggle, el('span', {class: 'span-name'}, span.name),
        ' ', el('span', {class: 'muted'}, span.serviceName),
        span.http.resendCount ? el('span', {class: 'badge warn retry'}, 'retry #' + span.http.resendCount) : null,
        timeoutKind ? el('span', {class: 'badge bad timeout'}, 'timeout: ' + timeoutKind) : null,
        span.http.statusCode ? el('span', {class: 'badge ' + (span.http.statusCode >= 500 ? 'bad' : 'good')},
            String(span.http.statusCode)) : null,
        // A 5xx's error type is its status code: shown once.
        span.http.errorType && span.http.errorType !== String(span.http.statusCode)
            ? el('span', {class: 'badge bad'}, span.http.errorType) : null,
        breakerChanges(span).length ? el('span', {class: 'badge warn breaker'}, 'breaker') : null);
    label.style.paddingLeft = (depth * 16) + 'px';
    const select = () => {
        state.selected = span.spanId;
        remember(state);
    };
    return el('div', {class: 'span' + (critical.spans.has(span.spanId) ? ' on-critical-path' : '')
            + (span.spanId === state.selected ? ' selected' : ''), 'data-span-id': span.spanId, tabindex: 0,
        role: 'button', onclick: select, onkeydown: event => {
            if (event.key === 'Enter') {
                select();
            }
        }}, label, track, el('span', {class: 'num'}, nanosAsMillis(span.durationNanos)));
}

function breakerChanges(span) {
    return (span.events || []).filter(event => event.name === BREAKER_EVENT);
}

const text = value => typeof value === 'object' ? JSON.stringify(value) : String(value);

/** Everything a span carries, the resilience facts first. */
function spanDetails(span, tree) {
    const attributes = span.attributes;
    const facts = [
        ['Service', span.serviceName], ['Kind', span.kind],
        ['Status', span.status.code + (span.status.message ? ': ' + span.status.message : '')],
        ['Duration', nanosAsMillis(span.durationNanos)],
        ['HTTP', [span.http.method, span.http.serverAddress && span.http.serverAddress + ':' + span.http.serverPort,
            span.http.route, span.http.statusCode].filter(part => part).join(' ')],
        ['Error type', span.http.errorType],
        ['Resend count', span.http.resendCount],
        ['Retry source', attributes['callsight.retry.source']],
        ['Retry reason', attributes['callsight.retry.reason']],
        ['Timeout kind', attributes['callsight.timeout.kind']],
        ['Policy', attributes['callsight.policy']],
    ].filter(([, value]) => value !== null && value !== undefined && value !== '');
    const start = span.startTimeUnixNano;
    const events = span.events || [];
    const links = span.links || [];
    return el('div', {'data-span-id': span.spanId},
        el('h2', {class: 'span-title'}, span.name),
        el('p', {class: 'mono muted'}, 'span ' + span.spanId
            + (span.parentSpanId ? ' · parent ' + span.parentSpanId : '')),
        el('dl', {class: 'summary', id: 'span-facts'}, facts.flatMap(([name, value]) =>
            [el('dt', {}, name), el('dd', {'data-fact': name}, text(value))])),
        el('h3', {}, 'Events (' + events.length + ')'),
        events.length === 0 ? el('p', {class: 'muted'}, 'none') : table(['At', 'Event', 'Attributes'],
            events.map(event => el('tr', {class: event.name === BREAKER_EVENT ? 'warn breaker-event' : ''},
                el('td', {class: 'num'}, '+' + nanosAsMillis(event.timeUnixNano - start)),
                el('td', {}, event.name),
                el('td', {}, Object.entries(event.attributes || {}).map(([key, value]) => key + '=' + text(value))
                    .join(', ')))), {id: 'span-events'}),
        el('h3', {}, 'Links (' + links.length + ')'),
        links.length === 0 ? el('p', {class: 'muted'}, 'none') : el('ul', {id: 'span-links'}, links.map(link =>
            el('li', {class: 'mono'}, link.traceId === span.traceId && tree.byId.has(link.spanId)
                ? [tree.byId.get(link.spanId).name + ' (', el('a', {href: '#/trace/' + encodeURIComponent(link.traceId)
                    + '?span=' + encodeURIComponent(link.spanId)}, link.spanId), ')']
                : el('a', {href: '#/trace/' + encodeURIComponent(link.traceId)}, link.traceId + ' / ' + link.spanId)))),
        el('h3', {}, 'Attributes'),
        table(['Attribute', 'Value'], Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b))
            .map(([key, value]) => el('tr', {}, el('td', {class: 'mono'}, key), el('td', {}, text(value)))),
            {class: 'attributes', id: 'span-attributes'}),
        el('h3', {}, 'Resource'),
        table(['Attribute', 'Value'], Object.entries(span.resourceAttributes || {}).sort(([a], [b]) => a.localeCompare(b))
            .map(([key, value]) => el('tr', {}, el('td', {class: 'mono'}, key), el('td', {}, text(value)))),
            {class: 'attributes'}));
}
