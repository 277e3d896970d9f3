// Alerts: every SLO's alerts (page, ticket and no-data tiers) firing now or fired in the range, newest first, each
// with its SLO, the bad calls that burned most while it fired, their example traces and a search for the rest.
import {el, pageLink, query, table} from './dom.js';
import {getJson} from './api.js';
import {number, time} from './format.js';

const RANGES = [['1 hour', 3600], ['6 hours', 21600], ['day', 86400], ['7 days', 604800]];

export async function alertsPage(parts, parameters) {
    const seconds = Number(parameters.get('range')) || 86400;
    const [body, overview] = await Promise.all([
        getJson('/api/alerts?since=' + (Math.floor(Date.now() / 1000) - seconds)), getJson('/api/overview?minutes=1440')]);
    // The service behind a caller's peer, where the stored spans show one.
    const peerNames = new Map(overview.edges.filter(edge => edge.peerService)
        .map(edge => [edge.service + ' ' + edge.peer, edge.peerService]));
    return el('section', {},
        el('h1', {}, 'Alerts'),
        el('p', {class: 'muted', id: 'alerts-range'}, 'Firing now and fired in the last ', el('select', {
            id: 'alerts-range-select', onchange: event => { location.hash = '#/alerts?range=' + event.target.value; },
        }, RANGES.map(([label, value]) => el('option', {value, selected: value === seconds}, label))),
        ': ' + body.firing + ' firing, ' + body.alerts.length + ' in all.'),
        body.alerts.length === 0 ? el('p', {class: 'good-note', id: 'alerts-none'}, 'No SLO alert in this range.')
            : table(['SLO', 'Service', 'Alert', 'Severity', 'State', 'Fired', 'Resolved', 'Lasted', 'Burn rates',
                'Bad calls', 'Top cause', 'Example traces'], body.alerts.map(alert => alertRow(alert, peerNames)),
                {id: 'alerts-table'}),
        el('p', {class: 'muted'}, 'The top cause and its example traces are the bad calls from 5 minutes before an '
            + 'alert fired to when it resolved (or now); example traces are the latest the collector keeps per '
            + 'series, so older alerts may have none: search the traces instead.'));
}

function alertRow(alert, peerNames) {
    const state = alert.firing ? (alert.severity === 'page' ? 'bad' : 'warn') : 'good';
    const cause = alert.topCause;
    return el('tr', {class: 'alert-row ' + state, 'data-slo': alert.slo, 'data-alert': alert.alert},
        el('td', {class: 'slo'}, pageLink(alert.slo, 'slo', alert.slo)),
        el('td', {}, alert.service || '–'),
        el('td', {class: 'tier'}, alert.alert),
        el('td', {}, alert.severity),
        el('td', {class: 'state'}, el('span', {class: 'badge ' + state}, alert.firing ? 'firing' : 'resolved')),
        el('td', {class: 'fired'}, alert.firedAt ? time(alert.firedAt) : 'before the range'),
        el('td', {class: 'resolved'}, alert.resolvedAt ? time(alert.resolvedAt) : '–'),
        el('td', {class: 'num'}, lasted(alert)),
        el('td', {class: 'burn-rates'}, burnRates(alert.burnRates, alert.windows)),
        el('td', {class: 'num bad-calls'}, number(alert.badCalls)),
        el('td', {class: 'cause'}, cause ? causeText(cause, peerNames.get(alert.service + ' ' + cause.peer)) : '–'),
        el('td', {class: 'mono examples'}, alert.exampleTraceIds.flatMap(id =>
            [el('a', {href: '#/trace/' + encodeURIComponent(id), class: 'example-trace'}, id.slice(0, 8)), ' ']),
            cause ? el('a', {class: 'search-traces', href: '#/traces?' + query({service: alert.service,
                peer: cause.peer, route: cause.route,
                status: cause.statusCode || '', errorType: cause.statusCode ? '' : cause.errorType,
                from: alert.from, to: alert.to})}, 'search') : null));
}

function causeText(cause, peerService) {
    const status = cause.statusCode ? String(cause.statusCode) : '';
    const peer = peerService ? peerService + ' (' + cause.peer + ')' : cause.peer;
    // A 5xx's error type is its status code: shown once.
    return [cause.route, peer, status, cause.errorType === status ? '' : cause.errorType]
        .filter(part => part).join(' · ') + ' (' + number(cause.badCalls) + ')';
}

/** The burn rates of the windows its tier fires on (all for no-data), as the monitor recorded them on firing. */
function burnRates(rates, windows) {
    if (!rates) {
        return '–';
    }
    return Object.entries(rates).filter(([window, value]) => typeof value === 'number'
        && (windows.length === 0 || windows.includes(window)))
        .map(([window, value]) => window + ' ' + value.toFixed(1) + '×').join(', ');
}

function lasted(alert) {
    if (!alert.firedAt) {
        return '–';
    }
    const seconds = Math.round(((alert.resolvedAt ? Date.parse(alert.resolvedAt) : Date.now())
        - Date.parse(alert.firedAt)) / 1000);
    return seconds < 120 ? seconds + ' s' : seconds < 7200 ? Math.round(seconds / 60) + ' min'
        : (seconds / 3600).toFixed(1) + ' h';
}
