// Home: every service worst first with rate, error %, p99 and SLO state; the service map; the alerts firing now.
import {el, pageLink, query, table} from './dom.js';
import {getJson} from './api.js';
import {millis, number, percent, rate, time} from './format.js';
import {alertText, health} from './slos.js';
import {errorClass, serviceMap} from './map.js';

const RANK = {bad: 0, warn: 1, good: 2, none: 3};

/** The SLOs of each service (by their selector's service), worst first. */
function slosByService(slos) {
    const byService = new Map();
    for (const slo of slos) {
        const service = slo.selector.service;
        if (service) {
            byService.set(service, (byService.get(service) || []).concat([slo]));
        }
    }
    for (const list of byService.values()) {
        list.sort((a, b) => RANK[health(a)] - RANK[health(b)] || a.name.localeCompare(b.name));
    }
    return byService;
}

/** A service's own requests when it answers any, else the calls it makes. */
function mainStats(service) {
    return service.inbound.calls > 0 ? service.inbound : service.outbound;
}

export async function homePage(parts, parameters) {
    const minutes = Number(parameters.get('minutes')) || 15;
    const to = parameters.get('to');
    const [overview, sloBody] = await Promise.all([
        getJson('/api/overview?' + query({minutes, to})), getJson('/api/slos')]);
    const slos = slosByService(sloBody.slos);
    const serviceHealth = name => slos.has(name) ? health(slos.get(name)[0]) : 'none';
    const services = overview.services.slice().sort((a, b) =>
        RANK[serviceHealth(a.name)] - RANK[serviceHealth(b.name)]
        || (mainStats(b).errorRatio ?? -1) - (mainStats(a).errorRatio ?? -1) || a.name.localeCompare(b.name));
    const firing = sloBody.slos.filter(slo => alertText(slo).endsWith('firing'));
    return el('section', {},
        el('h1', {}, 'Services'),
        el('p', {class: 'muted', id: 'overview-range'}, (to ? 'the ' : 'the last ') + minutes + ' minutes'
            + (to ? ' before ' + time(Number(to) * 1000) : '') + ' · ',
            ...[15, 60, 360].map(choice => [el('a', {href: '#/home?minutes=' + choice}, choice + ' min'), ' '])),
        firing.length === 0 ? el('p', {id: 'alerts-firing', class: 'good-note'}, 'No SLO alert firing.')
            : el('div', {id: 'alerts-firing', class: 'alerts'}, el('h2', {}, 'Firing now ',
                el('a', {href: '#/alerts', class: 'muted'}, '(all alerts, causes and example traces)')),
                table(['SLO', 'Service', 'Alert', 'Since', 'Error budget left'], firing.map(slo => el('tr',
                    {class: health(slo), 'data-slo': slo.name},
                    el('td', {}, pageLink(slo.name, 'slo', slo.name)), el('td', {}, slo.selector.service || '–'),
                    el('td', {}, el('span', {class: 'badge ' + health(slo)}, alertText(slo))),
                    el('td', {}, time(firingSince(slo))),
                    el('td', {class: 'num'}, percent(slo.errorBudget.remainingRatio, 1)))))),
        services.length === 0 ? el('p', {}, 'No calls recorded yet: attach the agent to a service.') : table(
            ['Service', 'Rate', 'Error %', 'p99', 'Calls out', 'SLOs'],
            services.map(service => serviceRow(service, slos.get(service.name) || [], serviceHealth(service.name))),
            {id: 'services-table'}),
        el('p', {class: 'muted'}, 'Rate, error % and p99 of the requests a service answered (its server side), or of '
            + 'the calls it made when it answers none. Errors are 5xx answers and calls that got no answer.'),
        el('h2', {}, 'Service map'),
        overview.edges.length === 0 ? el('p', {}, 'No calls between services yet.')
            : el('div', {class: 'map-holder'}, serviceMap(overview, serviceHealth, hash => { location.hash = hash; })),
        el('p', {class: 'muted'}, 'Arrows go from caller to callee; a peer the agent does not run in shows as host:port. '
            + 'Click a node or an arrow for its calls.'));
}

function firingSince(slo) {
    const since = ['page', 'ticket', 'noData'].filter(kind => slo.alerts[kind] && slo.alerts[kind].firing)
        .map(kind => Date.parse(slo.alerts[kind].since));
    return since.length ? Math.min(...since) : Date.parse(slo.evaluatedAt);
}

function serviceRow(service, slos, state) {
    const stats = mainStats(service);
    return el('tr', {class: state === 'none' ? errorClass(stats.errorRatio) : state, 'data-service': service.name},
        el('td', {}, el('a', {href: '#/calls?service=' + encodeURIComponent(service.name)}, service.name),
            service.inbound.calls > 0 ? null : el('span', {class: 'muted'}, ' (calls out)')),
        el('td', {class: 'num rate'}, rate(stats.ratePerSecond)),
        el('td', {class: 'num errors'}, percent(stats.errorRatio, 2)),
        el('td', {class: 'num p99'}, millis(stats.p99)),
        el('td', {class: 'num calls-out'}, number(service.outbound.calls)),
        el('td', {class: 'slos'}, slos.length === 0 ? el('span', {class: 'muted'}, 'none') : slos.map(slo =>
            el('a', {href: '#/slo/' + encodeURIComponent(slo.name), class: 'badge ' + health(slo)},
                slo.name + ': ' + alertText(slo)))));
}
