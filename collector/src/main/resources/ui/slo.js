// SLO detail: SLI against target, budget burn-down and burn rate over the window, alert tiers and their timeline,
// what burned the budget (ranked causes with example traces), burn rates per window, alert history, daily compliance.
import {el, query, table} from './dom.js';
import {getJson} from './api.js';
import {lineChart} from './charts.js';
import {number, percent, time} from './format.js';
import {alertText, budgetBar, health, sliText} from './slos.js';

const WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];

export async function sloDetail([name], parameters) {
    const path = '/api/slos/' + encodeURIComponent(name);
    const to = parameters.get('to');
    const [slo, history, breakdown, all, overview] = await Promise.all([getJson(path), getJson(path + '/history'),
        getJson(path + '/breakdown?' + query({to})), getJson('/api/slos'), getJson('/api/overview?minutes=1440')]);
    // The service behind each peer of this SLO's service, where its spans show one.
    const peerNames = new Map(overview.edges.filter(edge => edge.service === slo.selector.service && edge.peerService)
        .map(edge => [edge.peer, edge.peerService]));
    const peerText = peer => !peer ? '–' : peerNames.has(peer) ? peerNames.get(peer) + ' (' + peer + ')' : peer;
    // A server-side SLO counts the answers; what the service's own calls out did is in the SLOs on them.
    const related = slo.selector.kind === 'server' ? all.slos.filter(other => other.name !== slo.name
        && other.selector.service === slo.selector.service && other.selector.kind !== 'server') : [];
    const points = history.points;
    const xs = points.map(point => point.t);
    const pct = ratio => ratio == null ? null : ratio * 100;
    const pageFactors = slo.alerts.page.conditions.map(rule => rule.factor);
    // From the first step to now, and at least a few minutes, so a lone first point sits on a readable axis.
    const xRange = [history.from - 30, Math.max(history.to, history.from + 300) + 30];
    return el('section', {},
        el('h1', {}, 'SLO ', el('span', {id: 'slo-name'}, slo.name)),
        slo.description ? el('p', {}, slo.description) : null,
        el('dl', {class: 'summary ' + health(slo)},
            el('dt', {}, 'SLI'), el('dd', {id: 'slo-sli'}, percent(slo.sliRatio) + ' (' + sliText(slo) + ')'),
            el('dt', {}, 'Target'), el('dd', {id: 'slo-target'}, percent(slo.target) + ' over ' + slo.window
                + ' (since ' + time(slo.windowStart) + ')'),
            el('dt', {}, 'Error budget left'), el('dd', {id: 'slo-budget'}, budgetBar(slo.errorBudget.remainingRatio)),
            el('dt', {}, 'Bad calls'), el('dd', {id: 'slo-bad'}, number(slo.errorBudget.badCalls) + ' of '
                + number(slo.calls) + ' (allowed ' + slo.errorBudget.allowedBadCalls.toFixed(1) + ')'),
            el('dt', {}, 'Alert'), el('dd', {id: 'slo-alert'}, el('span', {class: 'badge ' + health(slo)}, alertText(slo)))),
        el('div', {class: 'charts', id: 'slo-charts'},
            lineChart('SLI per ' + stepText(history.stepSeconds) + ' vs target', xs, [
                {label: 'SLI', values: points.map(point => point.calls ? 100 - point.badCalls / point.calls * 100 : null)},
                {label: 'target', values: xs.map(() => slo.target * 100), dash: [6, 4], colour: '#6b7280'},
            ], value => value.toFixed(2) + ' %', null, xRange),
            lineChart('Error budget left (burn-down)', xs, [{label: 'budget left',
                values: points.map(point => pct(point.budgetRemainingRatio)), colour: '#059669'}],
                value => value.toFixed(0) + ' %', null, xRange),
            lineChart('Burn rate per ' + stepText(history.stepSeconds), xs,
                [{label: 'burn rate', values: points.map(point => point.burnRate ?? null), colour: '#dc2626'}].concat(
                    pageFactors.map(factor => ({label: 'page > ' + factor + '×', values: xs.map(() => factor),
                        dash: [6, 4], colour: '#6b7280'}))),
                value => value.toFixed(1) + '×', null, xRange)),
        el('p', {class: 'muted'}, 'From the first call in the window (' + time(history.from * 1000) + ') to now, '
            + 'in steps of ' + stepText(history.stepSeconds) + '. The burn-down counts every call of the window up to '
            + 'each step.'),
        el('h2', {}, 'Alerts'),
        tierTable(slo),
        alertTimeline(slo, history),
        el('h2', {}, 'What burned the budget'),
        breakdownSection(breakdown, peerText),
        related.length === 0 ? null : el('p', {id: 'related-slos'}, 'The calls ' + slo.selector.service
            + ' made itself: ', related.map(other => [el('a', {href: '#/slo/' + encodeURIComponent(other.name),
                class: 'badge ' + health(other)}, other.name + ': ' + alertText(other)), ' ']).flat()),
        el('h2', {}, 'Burn rates'),
        table(['Window', 'Calls', 'Bad', 'SLI', 'Burn rate', 'Alerts on this window'],
            WINDOWS.map(window => burnRow(slo, window)), {id: 'burn-table'}),
        el('p', {class: 'muted'}, 'Alerts need at least ' + slo.minEvents + ' calls in the long window.'),
        el('h2', {}, 'Alert history'),
        slo.alertHistory.length === 0 ? el('p', {}, 'No alerts yet.') : table(['At', 'Severity', 'Alert', 'Change'],
            slo.alertHistory.map(event => el('tr', {class: event.firing ? 'bad' : 'good'},
                el('td', {}, time(event.at)), el('td', {}, event.severity), el('td', {}, event.alert || '–'),
                el('td', {}, event.firing ? 'fired' : 'resolved'))), {id: 'alert-history'}),
        el('h2', {}, 'Daily compliance'),
        table(['Day (UTC)', 'Calls', 'Good', 'SLI', 'Met target', 'Budget left at end'],
            slo.daily.map(day => el('tr', {class: day.sliRatio == null || day.sliRatio >= slo.target ? 'good' : 'bad'},
                el('td', {}, day.day), el('td', {class: 'num'}, number(day.calls)),
                el('td', {class: 'num'}, number(day.goodCalls)), el('td', {class: 'num'}, percent(day.sliRatio)),
                el('td', {}, day.sliRatio == null ? '–' : day.sliRatio >= slo.target ? 'yes' : 'no'),
                el('td', {class: 'num'}, percent(day.budgetRemainingRatio, 1)))), {id: 'daily-table'}));
}

function stepText(seconds) {
    return seconds % 3600 === 0 ? seconds / 3600 + ' h' : seconds / 60 + ' min';
}

/** Each alert tier: its rule, the burn rates of its two windows now, and whether it fires. */
function tierTable(slo) {
    const rows = [];
    for (const severity of ['page', 'ticket']) {
        for (const rule of slo.alerts[severity].conditions) {
            const long = slo.burnRates[rule.longWindow].burnRate;
            const short = slo.burnRates[rule.shortWindow].burnRate;
            const enabled = slo.alerts[severity].enabled;
            const state = !enabled ? 'off' : rule.firing ? 'firing' : 'ok';
            rows.push(el('tr', {'data-tier': rule.burnTier, class: rule.firing ? (severity === 'page' ? 'bad' : 'warn') : 'good'},
                el('td', {}, rule.burnTier), el('td', {}, severity),
                el('td', {}, 'burn > ' + rule.factor + '× over ' + rule.longWindow + ' and ' + rule.shortWindow),
                el('td', {class: 'num long'}, long.toFixed(2) + '×'), el('td', {class: 'num short'}, short.toFixed(2) + '×'),
                el('td', {class: 'state'}, el('span', {class: 'badge ' + (state === 'firing'
                    ? (severity === 'page' ? 'bad' : 'warn') : 'good')}, state)),
                el('td', {}, Date.parse(rule.since) > 0 ? time(rule.since) : '–')));
        }
    }
    const noData = slo.alerts.noData;
    if (noData) {
        rows.push(el('tr', {'data-tier': 'no-data', class: noData.firing ? 'warn' : 'good'},
            el('td', {}, 'no-data'), el('td', {}, 'ticket'),
            el('td', {}, noData.after ? 'no calls for ' + noData.after : 'off'), el('td', {}, ''), el('td', {}, ''),
            el('td', {class: 'state'}, el('span', {class: 'badge ' + (noData.firing ? 'warn' : 'good')},
                !noData.enabled ? 'off' : noData.firing ? 'firing' : 'ok')),
            el('td', {}, Date.parse(noData.since) > 0 ? time(noData.since) : '–')));
    }
    return table(['Tier', 'Severity', 'Fires when', 'Long window', 'Short window', 'State', 'Since'], rows,
        {id: 'tier-table'});
}

/** One lane per alert with its firing spans over the history's range, drawn as boxes in a plain element strip. */
function alertTimeline(slo, history) {
    const start = history.from * 1000;
    const end = Math.max(history.to * 1000, start + 60000);
    const events = slo.alertHistory.slice().sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const lanes = new Map();
    for (const event of events) {
        const key = event.alert || event.severity;
        const lane = lanes.get(key) || {severity: event.severity, spans: [], open: null};
        const at = Date.parse(event.at);
        if (event.firing) {
            lane.open = at;
        } else {
            lane.spans.push([lane.open ?? start, at]);
            lane.open = null;
        }
        lanes.set(key, lane);
    }
    if (lanes.size === 0) {
        return el('p', {id: 'alert-timeline', class: 'muted'}, 'No alert has fired.');
    }
    const strip = el('div', {id: 'alert-timeline', class: 'timeline'});
    for (const [key, lane] of lanes) {
        if (lane.open !== null) {
            lane.spans.push([lane.open, Date.now()]);
        }
        const track = el('div', {class: 'track'});
        for (const [from, to] of lane.spans) {
            if (to < start) {
                continue;
            }
            const box = el('span', {class: 'firing ' + (lane.severity === 'page' ? 'bad' : 'warn'),
                title: key + ' firing ' + time(from) + ' – ' + time(to)});
            const left = Math.max(0, (from - start) / (end - start));
            box.style.left = (left * 100).toFixed(2) + '%';
            box.style.width = Math.max(0.5, (Math.min(to, end) - Math.max(from, start)) / (end - start) * 100).toFixed(2) + '%';
            track.append(box);
        }
        strip.append(el('div', {class: 'lane', 'data-alert': key}, el('span', {class: 'lane-label'}, key), track));
    }
    strip.append(el('div', {class: 'lane axis'}, el('span', {class: 'lane-label'}, ''),
        el('span', {class: 'track'}, el('span', {class: 'muted'}, time(start)), el('span', {class: 'muted right'}, time(end)))));
    return strip;
}

/** The bad calls ranked by route, peer, status and error type together, then by each alone. */
function breakdownSection(breakdown, peerText) {
    const share = ratio => ratio == null ? '–' : percent(ratio, 1);
    const summary = el('p', {id: 'breakdown-summary'}, number(breakdown.badCalls) + ' bad calls of '
        + number(breakdown.calls) + ' spent ' + share(breakdown.budgetSpentRatio) + ' of the error budget between '
        + time(breakdown.from * 1000) + ' and ' + time(breakdown.to * 1000) + '.');
    if (breakdown.causes.length === 0) {
        return el('div', {id: 'breakdown'}, summary, el('p', {}, 'No bad calls: nothing burned the budget.'));
    }
    const causes = table(['Route', 'Peer', 'Status', 'Error type', 'Bad calls', 'Share of bad', 'Budget spent',
        'Example traces'], breakdown.causes.map(cause => el('tr', {class: 'cause'},
        el('td', {class: 'route'}, cause.route || '–'), el('td', {class: 'peer'}, peerText(cause.peer)),
        el('td', {class: 'num status'}, cause.statusCode ? String(cause.statusCode) : '–'),
        el('td', {}, cause.errorType || '–'), el('td', {class: 'num bad-calls'}, number(cause.badCalls)),
        el('td', {class: 'num share'}, shareBar(cause.badShare)), el('td', {class: 'num budget-share'}, share(cause.budgetShare)),
        el('td', {class: 'mono'}, cause.exampleTraceIds.length === 0 ? '–' : cause.exampleTraceIds.flatMap(id =>
            [el('a', {href: '#/trace/' + encodeURIComponent(id), class: 'example-trace'}, id.slice(0, 8)), ' '])))),
        {id: 'breakdown-table'});
    const ranking = (title, items, id, label = value => value) => el('div', {class: 'ranking'}, el('h3', {}, title),
        table(['', 'Bad', 'Share'], items.map(item => el('tr', {},
            el('td', {}, item.value === '' || item.value === '0' ? '–' : label(item.value)),
            el('td', {class: 'num'}, number(item.badCalls)),
            el('td', {class: 'num'}, shareBar(item.badShare)))), {id}));
    return el('div', {id: 'breakdown'}, summary, causes,
        el('div', {class: 'rankings'},
            ranking('By route', breakdown.byRoute, 'by-route'), ranking('By peer', breakdown.byPeer, 'by-peer', peerText),
            ranking('By status', breakdown.byStatusCode, 'by-status'),
            ranking('By error type', breakdown.byErrorType, 'by-error-type')));
}

function shareBar(ratio) {
    const fill = el('span', {class: 'fill'});
    fill.style.width = (Math.max(0, Math.min(1, ratio)) * 100).toFixed(1) + '%';
    return el('span', {class: 'budget-cell'}, el('span', {class: 'bar share-bar'}, fill), ' ', percent(ratio, 1));
}

/** One window's row; the alert column names each rule over it and whether its burn rate is past the rule's factor. */
function burnRow(slo, window) {
    const burn = slo.burnRates[window];
    const rules = [];
    for (const severity of ['page', 'ticket'].filter(kind => slo.alerts[kind].enabled)) {
        for (const rule of slo.alerts[severity].conditions) {
            if (rule.longWindow === window || rule.shortWindow === window) {
                const over = burn.burnRate > rule.factor;
                rules.push(el('span', {class: 'badge ' + (over ? (severity === 'page' ? 'bad' : 'warn') : 'good')},
                    rule.burnTier + ' > ' + rule.factor + '× ' + (over ? 'exceeded' : 'ok')));
            }
        }
    }
    return el('tr', {'data-window': window},
        el('td', {}, window), el('td', {class: 'num'}, number(burn.calls)), el('td', {class: 'num'}, number(burn.badCalls)),
        el('td', {class: 'num'}, percent(burn.sliRatio)), el('td', {class: 'num burn'}, burn.burnRate.toFixed(2) + '×'),
        el('td', {}, rules));
}
