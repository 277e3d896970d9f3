// One trace: spans as a waterfall, retries and timeouts marked, attributes per span, a Jaeger link when configured.
import {el, table} from './dom.js';
import {getJson} from './api.js';
import {nanosAsMillis} from './format.js';

export async function traceView([traceId], parameters, config) {
    const trace = await getJson('/api/traces/' + encodeURIComponent(traceId));
    const spans = ordered(trace.spans);
    const start = Math.min(...spans.map(({span}) => span.startTimeUnixNano));
    const end = Math.max(...spans.map(({span}) => span.endTimeUnixNano));
    const total = Math.max(1, end - start);
    return el('section', {},
        el('h1', {}, 'Trace ', el('span', {class: 'mono', id: 'trace-id'}, trace.traceId)),
        el('p', {}, spans.length + ' spans over ' + nanosAsMillis(end - start),
            config.jaegerUi ? [' · ', el('a', {id: 'jaeger-link', target: '_blank', rel: 'noopener',
                href: config.jaegerUi + '/trace/' + encodeURIComponent(trace.traceId)}, 'open in Jaeger')] : null),
        el('div', {class: 'waterfall', id: 'waterfall'},
            spans.map(({span, depth}) => spanRow(span, depth, start, total))));
}

/** Parents before children, siblings by start time; spans whose parent is missing count as roots. */
function ordered(spans) {
    const ids = new Set(spans.map(span => span.spanId));
    const children = new Map();
    for (const span of spans) {
        const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : null;
        children.set(parent, (children.get(parent) || []).concat([span]));
    }
    const result = [];
    const visit = (parent, depth) => {
        for (const span of (children.get(parent) || []).sort((a, b) => a.startTimeUnixNano - b.startTimeUnixNano)) {
            result.push({span, depth});
            visit(span.spanId, depth + 1);
        }
    };
    visit(null, 0);
    return result;
}

function spanRow(span, depth, traceStart, total) {
    const timeoutKind = span.attributes['callsight.timeout.kind'];
    const failed = span.status.code === 'ERROR';
    const bar = el('span', {class: 'span-bar' + (failed ? ' failed' : '')});
    bar.style.marginLeft = ((span.startTimeUnixNano - traceStart) / total * 100).toFixed(2) + '%';
    bar.style.width = Math.max(0.5, span.durationNanos / total * 100).toFixed(2) + '%';
    const label = el('span', {class: 'span-label'}, el('span', {class: 'span-name'}, span.name),
        ' ', el('span', {class: 'muted'}, span.serviceName),
        span.http.resendCount ? el('span', {class: 'badge warn retry'}, 'retry #' + span.http.resendCount) : null,
        timeoutKind ? el('span', {class: 'badge bad timeout'}, 'timeout: ' + timeoutKind) : null,
        span.http.statusCode ? el('span', {class: 'badge ' + (span.http.statusCode >= 500 ? 'bad' : 'good')},
            String(span.http.statusCode)) : null,
        span.http.errorType ? el('span', {class: 'badge bad'}, span.http.errorType) : null);
    label.style.paddingLeft = (depth * 16) + 'px';
    const attributes = Object.entries(span.attributes).sort(([a], [b]) => a.localeCompare(b))
        .map(([key, value]) => el('tr', {}, el('td', {class: 'mono'}, key),
            el('td', {}, typeof value === 'object' ? JSON.stringify(value) : String(value))));
    return el('details', {class: 'span', 'data-span-id': span.spanId},
        el('summary', {}, label, el('span', {class: 'span-track'}, bar),
            el('span', {class: 'num'}, nanosAsMillis(span.durationNanos))),
        el('p', {class: 'muted'}, 'span ' + span.spanId + ' · ' + span.kind + ' · status ' + span.status.code
            + (span.status.message ? ': ' + span.status.message : '')),
        table(['Attribute', 'Value'], attributes, {class: 'attributes'}));
}
