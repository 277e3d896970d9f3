// SLO overview: every SLO, worst first, its row coloured by how it stands, with its error-budget burn-down.
import {el, pageLink, table} from './dom.js';
import {getJson} from './api.js';
import {number, percent} from './format.js';
import {sparkline} from './charts.js';

/**
 * bad: paging or budget spent; warn: ticket, under a quarter of the budget left, or no data (a blind SLO is not a
 * healthy one); good otherwise. A budget without calls is null.
 */
export function health(slo) {
    const remaining = slo.errorBudget.remainingRatio;
    if (slo.alerts.page.firing || (remaining != null && remaining <= 0)) {
        return 'bad';
    }
    if (slo.alerts.ticket.firing || slo.state === 'no-data' || (remaining != null && remaining < 0.25)) {
        return 'warn';
    }
    return 'good';
}

const RANK = {bad: 0, warn: 1, good: 2};

export function alertText(slo) {
    const firing = ['page', 'ticket'].filter(severity => slo.alerts[severity].firing);
    if (slo.alerts.noData && slo.alerts.noData.firing) {
        firing.push('no data');
    }
    if (firing.length === 0) {
        return slo.state === 'no-data' ? 'no data' : 'ok';
    }
    return firing.join(' + ') + ' firing';
}

export function sliText(slo) {
    return slo.sli.type === 'latency'
        ? 'latency ≤ ' + (slo.sli.thresholdSeconds * 1000) + ' ms'
        : 'success';
}

export async function sloOverview() {
    const [body, history] = await Promise.all([getJson('/api/slos'), getJson('/api/slo-history')]);
    const burnDowns = new Map(history.slos.map(series => [series.slo, series.points]));
    const slos = body.slos.slice().sort((a, b) =>
        RANK[health(a)] - RANK[health(b)] || (a.errorBudget.remainingRatio ?? 1) - (b.errorBudget.remainingRatio ?? 1)
        || a.name.localeCompare(b.name));
    const rows = slos.map(slo => el('tr', {class: 'slo ' + health(slo), 'data-slo': slo.name},
        el('td', {}, pageLink(slo.name, 'slo', slo.name)),
        el('td', {}, sliText(slo)),
        el('td', {class: 'num sli'}, percent(slo.sliRatio)),
        el('td', {class: 'num target'}, percent(slo.target)),
        el('td', {class: 'num budget'}, budgetBar(slo.errorBudget.remainingRatio)),
        el('td', {class: 'burn-down'}, burnDown(burnDowns.get(slo.name) || [])),
        el('td', {class: 'alert'}, el('span', {class: 'badge ' + health(slo)}, alertText(slo))),
        el('td', {class: 'num calls'}, number(slo.calls)),
        el('td', {}, slo.window)));
    return el('section', {},
        el('h1', {}, 'Service level objectives'),
        body.problem ? el('p', {class: 'error'}, body.problem) : null,
        slos.length === 0 ? el('p', {}, 'No SLOs defined: start the collector with --slos FILE.') : table(
            ['SLO', 'SLI', 'SLI now', 'Target', 'Error budget left', 'Burn-down', 'Alert', 'Calls', 'Window'], rows,
            {id: 'slo-table'}),
        el('p', {class: 'legend'},
            el('span', {class: 'badge bad'}, 'paging or budget spent'), ' ',
            el('span', {class: 'badge warn'}, 'ticket, < 25 % budget left or no data'), ' ',
            el('span', {class: 'badge good'}, 'healthy')),
        el('p', {class: 'muted'}, 'evaluated at ' + body.evaluatedAt));
}

export function budgetBar(ratio) {
    if (ratio == null) {
        return el('span', {class: 'budget-cell'}, 'no data');
    }
    const fill = el('span', {class: 'fill'});
    // CSSOM, not a style attribute: the content security policy allows no inline styles.
    fill.style.width = (Math.max(0, Math.min(1, ratio)) * 100).toFixed(1) + '%';
    return el('span', {class: 'budget-cell'}, el('span', {class: 'bar'}, fill), ' ', percent(ratio, 1));
}

/** The budget left over the window, from 100 % down (drawn at 0 once spent), its last value in the tooltip. */
function burnDown(points) {
    const values = points.map(point => point.budgetRemainingRatio == null ? null : Math.max(0, point.budgetRemainingRatio));
    const last = points.map(point => point.budgetRemainingRatio).filter(value => value != null).pop();
    const line = sparkline([{values, colour: last == null || last > 0.25 ? '#059669' : last > 0 ? '#b45309' : '#dc2626'}],
        {max: 1, title: 'error budget left over the window' + (last == null ? '' : ': ' + percent(last, 1) + ' now')});
    line.setAttribute('data-points', String(points.length));
    return line;
}
