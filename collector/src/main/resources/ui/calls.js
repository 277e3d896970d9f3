// Calls: pick service → peer → route and a time range; RED charts, retries and timeouts; any point leads to traces;
// every route of the service in a sortable table with its trend, retries, timeouts and circuit breaker.
import {el, query, queryLink, replaceHash, table} from './dom.js';
import {getJson} from './api.js';
import {count, lineChart, sparkline} from './charts.js';
import {millis, number, percent, rate, time} from './format.js';

const RANGES = [['15m', 900], ['1h', 3600], ['6h', 21600], ['24h', 86400], ['7d', 604800]];
/** How many of the latest non-empty steps the table under the charts lists. */
const TABLE_STEPS = 15;

export async function callsPage(parts, parameters) {
    const services = (await getJson('/api/services')).services;
    const chosen = {
        service: parameters.get('service') || (services[0] ? services[0].name : ''),
        peer: parameters.get('peer') || '',
        route: parameters.get('route') || '',
        range: parameters.get('range') || '3600',
    };
    const form = picker(services, chosen);
    if (!chosen.service) {
        return el('section', {}, el('h1', {}, 'Calls'), el('p', {}, 'No calls recorded yet.'));
    }
    const to = Math.floor(Date.now() / 1000);
    const [series, routeRows, overview] = await Promise.all([
        getJson('/api/calls/series?' + query({service: chosen.service, peer: chosen.peer, route: chosen.route,
            from: to - Number(chosen.range), to})),
        getJson('/api/calls/routes?' + query({service: chosen.service, from: to - Number(chosen.range), to})),
        getJson('/api/overview?minutes=1440')]);
    // The service behind each peer, where the stored spans show one.
    const peerNames = new Map(overview.edges.filter(edge => edge.service === chosen.service && edge.peerService)
        .map(edge => [edge.peer, edge.peerService]));
    return el('section', {},
        el('h1', {}, 'Calls'),
        form,
        totals(series.totals),
        charts(series, chosen),
        el('h2', {}, 'Latest minutes with calls'),
        steps(series, chosen),
        el('h2', {}, 'Routes of ' + chosen.service + ' in this range'),
        routes(routeRows, chosen, parameters, peerNames));
}

/** Three linked selects and a range; changing any of them moves to the matching URL. */
function picker(services, chosen) {
    const go = changed => {
        location.hash = '#/calls?' + query(Object.assign({}, chosen, changed));
    };
    const service = services.find(item => item.name === chosen.service);
    const peers = service ? service.peers : [];
    const peer = peers.find(item => item.peer === chosen.peer);
    const routeNames = peer ? [...new Set(peer.routes.map(item => item.route))] : [];
    const select = (id, value, options, onChange) => el('select', {id, onchange: event => onChange(event.target.value)},
        options.map(([optionValue, label]) => el('option', {value: optionValue, selected: optionValue === value}, label)));
    return el('form', {class: 'filters', onsubmit: event => event.preventDefault()},
        el('label', {}, 'service ', select('calls-service', chosen.service,
            services.map(item => [item.name, item.name]), value => go({service: value, peer: '', route: ''}))),
        el('label', {}, 'peer ', select('calls-peer', chosen.peer,
            [['', 'all peers']].concat(peers.map(item => [item.peer, item.peer])), value => go({peer: value, route: ''}))),
        el('label', {}, 'route ', select('calls-route', chosen.route,
            [['', 'all routes']].concat(routeNames.map(name => [name, name])), value => go({route: value}))),
        el('label', {}, 'range ', select('calls-range', chosen.range,
            RANGES.map(([label, seconds]) => [String(seconds), 'last ' + label]), value => go({range: value}))));
}

function totals(sum) {
    const item = (id, label, value) => el('div', {class: 'stat'}, el('div', {class: 'label'}, label),
        el('div', {class: 'value', id}, value));
    return el('div', {class: 'stats'},
        item('total-calls', 'calls', number(sum.calls)),
        item('total-errors', 'errors', number(sum.errors) + ' (' + percent(sum.errorRatio, 2) + ')'),
        item('total-p50', 'p50', millis(sum.p50)),
        item('total-p95', 'p95', millis(sum.p95)),
        item('total-p99', 'p99', millis(sum.p99)),
        item('total-retries', 'retries', number(sum.retries)),
        item('total-timeouts', 'timeouts', number(sum.timeouts)));
}

function charts(series, chosen) {
    const points = series.points;
    const xs = points.map(point => point.t);
    const toTraces = index => {
        location.hash = '#/traces?' + traceQuery(chosen, points[index].t, series.stepSeconds);
    };
    const ms = key => points.map(point => point[key] == null ? null : point[key] * 1000);
    return el('div', {class: 'charts', id: 'calls-charts'},
        lineChart('Rate (calls/s)', xs, [{label: 'calls/s', values: points.map(point => point.ratePerSecond)}],
            value => value.toFixed(2), toTraces),
        lineChart('Errors (%)', xs, [{label: 'error %', values: points.map(point =>
            point.errorRatio == null ? null : point.errorRatio * 100), colour: '#dc2626'}],
            value => value.toFixed(1) + ' %', toTraces),
        lineChart('Latency (ms)', xs, [{label: 'p50', values: ms('p50')}, {label: 'p95', values: ms('p95')},
            {label: 'p99', values: ms('p99')}], value => value.toFixed(0), toTraces),
        lineChart('Retries and timeouts', xs, [{label: 'retries', values: points.map(point => point.retries)},
            {label: 'timeouts', values: points.map(point => point.timeouts)}], count, toTraces));
}

/** Metric points are stamped when the agent exports them, after the calls, so a step's spans may start a step earlier. */
function traceQuery(chosen, from, step) {
    return query({service: chosen.service, peer: chosen.peer, route: chosen.route, from: from - step, to: from + step});
}

function steps(series, chosen) {
    const filled = series.points.filter(point => point.calls > 0 || point.retries > 0 || point.timeouts > 0)
        .slice(-TABLE_STEPS).reverse();
    if (filled.length === 0) {
        return el('p', {}, 'No calls in this range.');
    }
    return table(['From', 'Calls', 'Rate', 'Errors', 'p50', 'p95', 'p99', 'Retries', 'Timeouts', 'Traces',
        'Exemplars'],
        filled.map(point => el('tr', {},
            el('td', {}, time(point.t * 1000)), el('td', {class: 'num'}, number(point.calls)),
            el('td', {class: 'num'}, rate(point.ratePerSecond)), el('td', {class: 'num'}, percent(point.errorRatio, 1)),
            el('td', {class: 'num'}, millis(point.p50)), el('td', {class: 'num'}, millis(point.p95)),
            el('td', {class: 'num'}, millis(point.p99)), el('td', {class: 'num'}, number(point.retries)),
            el('td', {class: 'num'}, number(point.timeouts)),
            el('td', {}, el('a', {href: '#/traces?' + traceQuery(chosen, point.t, series.stepSeconds),
                class: 'example-traces'}, 'search')),
            el('td', {class: 'mono exemplars'}, point.exampleTraceIds.flatMap(id =>
                [el('a', {href: '#/trace/' + encodeURIComponent(id), class: 'exemplar'}, id.slice(0, 8)), ' '])))),
        {id: 'steps-table'});
}

/** Columns of the routes table: heading, sort key, cell. Numbers sort largest first on the first click. */
const COLUMNS = [
    ['Kind', 'kind', row => row.kind],
    ['Peer', 'peer', row => row.peer || '–'],
    ['Method', 'method', row => row.method],
    ['Route', 'route', null],
    ['Calls', 'calls', row => number(row.calls)],
    ['Rate', 'ratePerSecond', row => rate(row.ratePerSecond)],
    ['Errors', 'errorRatio', row => percent(row.errorRatio, 1)],
    ['p99', 'p99', row => millis(row.p99)],
    ['Retries', 'retries', row => number(row.retries)],
    ['Timeouts', 'timeouts', row => number(row.timeouts)],
    ['Refused', 'rejections', row => number(row.rejections)],
    ['Breaker', 'breaker', null],
    ['Calls and errors', null, null],
    ['', null, null],
];
const TEXT_KEYS = new Set(['kind', 'peer', 'method', 'route', 'breaker']);

function routes(body, chosen, parameters, peerNames) {
    if (body.routes.length === 0) {
        return el('p', {id: 'routes-table'}, 'No calls in this range.');
    }
    const sortKey = COLUMNS.some(([, key]) => key && key === parameters.get('sort')) ? parameters.get('sort') : 'calls';
    const ascending = parameters.get('dir') === 'asc';
    const value = row => row[sortKey] ?? (TEXT_KEYS.has(sortKey) ? '' : -1);
    const rows = body.routes.slice().sort((a, b) => {
        const order = TEXT_KEYS.has(sortKey) ? String(value(a)).localeCompare(String(value(b))) : value(a) - value(b);
        return (ascending ? order : -order) || a.route.localeCompare(b.route);
    });
    const sortBy = key => {
        const dir = key === sortKey && !ascending ? 'asc' : key !== sortKey && TEXT_KEYS.has(key) ? 'asc' : 'desc';
        replaceHash('#/calls?' + query(Object.assign({}, chosen, {sort: key, dir})));
    };
    const headings = COLUMNS.map(([heading, key]) => !key ? heading : el('button', {type: 'button',
        class: 'sort' + (key === sortKey ? ' sorted' : ''), 'data-sort': key, onclick: () => sortBy(key)},
        heading + (key === sortKey ? (ascending ? ' ▲' : ' ▼') : '')));
    return table(headings, rows.map(row => el('tr', {class: 'route-row ' + (row.breaker === 'open' ? 'bad'
            : row.errorRatio > 0.05 ? 'bad' : row.errorRatio > 0 || row.breaker === 'half-open' ? 'warn' : 'good'),
        'data-kind': row.kind, 'data-peer': row.peer || '', 'data-route': row.route},
        COLUMNS.map(([title, key, cell]) => {
            if (key === 'peer' && peerNames.has(row.peer)) {
                return el('td', {class: 'peer'}, peerNames.get(row.peer) + ' (' + row.peer + ')');
            }
            if (key === 'route') {
                return el('td', {class: 'route'}, row.kind === 'client' ? queryLink(row.route, 'calls',
                    {service: chosen.service, peer: row.peer, route: row.route, range: chosen.range}) : row.route);
            }
            if (key === 'breaker') {
                return el('td', {class: 'breaker'}, row.breaker ? el('span', {class: 'badge ' + ({open: 'bad',
                    'half-open': 'warn'}[row.breaker] || 'good')}, row.breaker) : '–');
            }
            if (title === 'Calls and errors') {
                return el('td', {class: 'trend'}, sparkline([
                    {values: row.series.calls, colour: '#2563eb', className: 'calls'},
                    {values: row.series.errors, colour: '#dc2626', className: 'errors'}],
                    {title: 'calls (blue) and errors (red) per ' + body.stepSeconds / 60 + ' min'}));
            }
            if (!key) {
                return el('td', {}, el('a', {class: 'route-traces', href: '#/traces?' + query({service: chosen.service,
                    peer: row.peer, route: row.route, from: body.from, to: body.to})}, 'traces'));
            }
            return el('td', {class: (TEXT_KEYS.has(key) ? '' : 'num ') + key}, cell(row));
        }))), {id: 'routes-table'});
}
