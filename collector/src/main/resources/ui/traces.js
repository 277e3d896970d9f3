// Trace search: every criterion the API takes, as a form whose values live in the URL.
import {el, pageLink, query, table} from './dom.js';
import {getJson} from './api.js';
import {nanosAsMillis, time} from './format.js';

const FIELDS = [['service', 'service'], ['peer', 'peer (host:port)'], ['route', 'route'], ['status', 'HTTP status'],
    ['errorType', 'error type'], ['minDurationMs', 'min duration (ms)'], ['tag', 'attribute (key=value)']];
const DEFAULT_LOOKBACK_SECONDS = 3600;

export async function tracesPage(parts, parameters) {
    const values = Object.fromEntries(FIELDS.map(([name]) => [name, parameters.get(name) || '']));
    const to = Number(parameters.get('to')) || Math.floor(Date.now() / 1000);
    const from = Number(parameters.get('from')) || to - Number(parameters.get('lookback') || DEFAULT_LOOKBACK_SECONDS);
    const fixedRange = parameters.has('from');
    const found = await getJson('/api/search?' + query(Object.assign({}, values, {from, to, limit: 100})));
    return el('section', {},
        el('h1', {}, 'Traces'),
        searchForm(values, parameters.get('lookback') || String(DEFAULT_LOOKBACK_SECONDS), fixedRange ? [from, to] : null),
        el('p', {class: 'muted', id: 'search-range'}, time(from * 1000) + ' – ' + time(to * 1000) + ': '
            + found.traces.length + ' traces'),
        found.traces.length === 0 ? el('p', {}, 'No traces match.') : table(
            ['Started', 'Service', 'Span', 'Peer', 'Route', 'Status', 'Error type', 'Retries', 'Duration', 'Trace'],
            found.traces.map(trace => el('tr', {class: trace.errorType ? 'bad' : ''},
                el('td', {}, time(trace.startTimeUnixNano / 1e6)), el('td', {}, trace.service), el('td', {}, trace.name),
                el('td', {}, trace.peer || ''), el('td', {}, trace.route || ''),
                el('td', {class: 'num'}, trace.status == null ? '' : trace.status), el('td', {}, trace.errorType || ''),
                el('td', {class: 'num'}, trace.resendCount ? trace.resendCount : ''),
                el('td', {class: 'num'}, nanosAsMillis(trace.durationNanos)),
                el('td', {class: 'mono'}, pageLink(trace.traceId, 'trace', trace.traceId)))), {id: 'trace-results'}));
}

function searchForm(values, lookback, fixedRange) {
    const inputs = FIELDS.map(([name, label]) => el('label', {}, label + ' ',
        el('input', {name, id: 'search-' + name, value: values[name], size: name === 'service' || name === 'route' ? 16 : 8})));
    const range = fixedRange
        ? el('label', {}, 'range ', el('input', {type: 'hidden', name: 'from', value: fixedRange[0]}),
            el('input', {type: 'hidden', name: 'to', value: fixedRange[1]}), 'from the chart point')
        : el('label', {}, 'last ', el('select', {name: 'lookback', id: 'search-lookback'},
            [['900', '15 minutes'], ['3600', 'hour'], ['21600', '6 hours'], ['86400', 'day'], ['604800', '7 days']]
                .map(([value, label]) => el('option', {value, selected: value === lookback}, label))));
    return el('form', {class: 'filters', id: 'search-form', onsubmit: event => {
        event.preventDefault();
        location.hash = '#/traces?' + new URLSearchParams(new FormData(event.target)).toString();
    }}, inputs, range, el('button', {type: 'submit', id: 'search-submit'}, 'Search'));
}
