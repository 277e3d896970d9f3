// The single-page app: a hash route picks the page; pages re-render on every refresh tick.
import {el} from './dom.js';
import {homePage} from './home.js';
import {sloOverview} from './slos.js';
import {sloDetail} from './slo.js';
import {callsPage} from './calls.js';
import {tracesPage} from './traces.js';
import {alertsPage} from './alerts.js';
import {traceView} from './trace.js';
import {getJson} from './api.js';

const REFRESH_MILLIS = 10000;
const PAGES = {home: homePage, slos: sloOverview, slo: sloDetail, alerts: alertsPage, calls: callsPage, traces: tracesPage,
    trace: traceView};

let config = {jaegerUi: null};
/** Only the latest render may fill the page, so a slow answer never overwrites a newer page. */
let latest = 0;

function route() {
    const hash = location.hash.replace(/^#\/?/, '');
    const [path, search] = hash.split('?');
    const [page, ...parts] = path.split('/');
    return {page: PAGES[page] ? page : 'home', parts: parts.map(decodeURIComponent),
        parameters: new URLSearchParams(search || '')};
}

async function render() {
    const token = ++latest;
    const current = route();
    const section = {slo: 'slos', trace: 'traces'}[current.page] || current.page;
    for (const link of document.querySelectorAll('nav a')) {
        link.classList.toggle('active', link.dataset.page === section);
    }
    const main = document.getElementById('page');
    let content;
    try {
        content = await PAGES[current.page](current.parts, current.parameters, config);
    } catch (error) {
        content = el('p', {class: 'error'}, 'Could not load: ' + error.message);
    }
    // A refresh never replaces a form the user is typing in.
    const typing = main.contains(document.activeElement) && ['INPUT', 'SELECT'].includes(document.activeElement.tagName);
    if (token === latest && !typing) {
        main.replaceChildren(content);
        document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString('en-GB');
    }
}

async function start() {
    config = await getJson('/api/ui-config').catch(() => config);
    // A page that changed the URL without a hashchange (dom.js replaceHash) asks for a render.
    window.addEventListener('callsight:refresh', render);
    window.addEventListener('hashchange', () => {
        document.getElementById('page').replaceChildren();
        render();
    });
    setInterval(() => {
        if (document.getElementById('auto-refresh').checked && !document.hidden) {
            render();
        }
    }, REFRESH_MILLIS);
    await render();
}

start();
