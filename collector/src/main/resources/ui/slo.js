// SLO detail: SLI against target and budget burn-down per day, burn rates per window, alert history, daily compliance.
import {el, table} from './dom.js';
import {getJson} from './api.js';
import {lineChart} from './charts.js';
import {number, percent, time} from './format.js';
import {alertText, budgetBar, health, sliText} from './slos.js';

const WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];

export async function sloDetail([name]) {
    const slo = await getJson('/api/slos/' + encodeURIComponent(name));
    // Over the whole window: full budget at its start, one point per stored day in it, and the value now.
    const windowStart = Date.parse(slo.windowStart) / 1000;
    const days = slo.daily.slice().reverse().filter(day => Date.parse(day.day + 'T00:00:00Z') / 1000 > windowStart);
    const xs = [windowStart, ...days.map(day => Date.parse(day.day + 'T00:00:00Z') / 1000),
        Date.parse(slo.evaluatedAt) / 1000];
    const sli = [null, ...days.map(day => day.sliRatio == null ? null : day.sliRatio * 100),
        slo.sliRatio == null ? null : slo.sliRatio * 100];
    const budget = [100, ...days.map(day => day.budgetRemainingRatio == null ? null : day.budgetRemainingRatio * 100),
        slo.errorBudget.remainingRatio == null ? null : slo.errorBudget.remainingRatio * 100];
    return el('section', {},
        el('h1', {}, 'SLO ', el('span', {id: 'slo-name'}, slo.name)),
        slo.description ? el('p', {}, slo.description) : null,
        el('dl', {class: 'summary ' + health(slo)},
            el('dt', {}, 'SLI'), el('dd', {id: 'slo-sli'}, percent(slo.sliRatio) + ' (' + sliText(slo) + ')'),
            el('dt', {}, 'Target'), el('dd', {id: 'slo-target'}, percent(slo.target) + ' over ' + slo.window),
            el('dt', {}, 'Error budget left'), el('dd', {id: 'slo-budget'}, budgetBar(slo.errorBudget.remainingRatio)),
            el('dt', {}, 'Bad calls'), el('dd', {id: 'slo-bad'}, number(slo.errorBudget.badCalls) + ' of '
                + number(slo.calls) + ' (allowed ' + slo.errorBudget.allowedBadCalls.toFixed(1) + ')'),
            el('dt', {}, 'Alert'), el('dd', {id: 'slo-alert'}, el('span', {class: 'badge ' + health(slo)}, alertText(slo)))),
        el('div', {class: 'charts'},
            lineChart('SLI per day vs target', xs, [
                {label: 'SLI', values: sli},
                {label: 'target', values: xs.map(() => slo.target * 100), dash: [6, 4], colour: '#6b7280'},
            ], value => value.toFixed(2) + ' %'),
            lineChart('Error budget left (burn-down)', xs, [{label: 'budget left', values: budget}],
                value => value.toFixed(0) + ' %')),
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

/** One window's row; the alert column names each rule over it and whether its burn rate is past the rule's factor. */
function burnRow(slo, window) {
    const burn = slo.burnRates[window];
    const rules = [];
    for (const severity of ['page', 'ticket']) {
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
