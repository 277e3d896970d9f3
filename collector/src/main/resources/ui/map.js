// The service map: services and the peers they call as nodes, calls as edges carrying rate, error % and p99.
// Drawn as SVG through the DOM: names enter as text nodes, positions and sizes are numbers.
import {millis, percent} from './format.js';

const SVG = 'http://www.w3.org/2000/svg';
const NODE_WIDTH = 200;
const NODE_HEIGHT = 52;
const COLUMN = 420;
const ROW = 100;

function svg(tag, attributes = {}, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) {
        if (name.startsWith('on')) {
            node.addEventListener(name.slice(2), value);
        } else if (value !== null && value !== undefined) {
            node.setAttribute(name, String(value));
        }
    }
    for (const child of children) {
        node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
}

/** Error share as a colour class: over 5 % bad, over 1 % warn, else good; none without calls. */
export function errorClass(ratio) {
    return ratio == null ? 'none' : ratio > 0.05 ? 'bad' : ratio > 0.01 ? 'warn' : 'good';
}

export function statsText(stats) {
    return stats.ratePerSecond.toFixed(1) + '/s · ' + percent(stats.errorRatio, 1) + ' err · p99 ' + millis(stats.p99);
}

/**
 * The map of an overview (see /api/overview); `health(name)` is a service's SLO class (bad, warn, good or none),
 * `go(hash)` follows a click.
 */
export function serviceMap(overview, health, go) {
    const nodes = new Map();
    const node = (id, label, kind, link) => {
        if (!nodes.has(id)) {
            nodes.set(id, {id, label, kind, link, out: [], in: 0, depth: 0, stats: null});
        }
        return nodes.get(id);
    };
    for (const service of overview.services) {
        const item = node('s:' + service.name, service.name, 'service', '#/calls?service=' + encodeURIComponent(service.name));
        item.stats = service.inbound.calls > 0 ? service.inbound : null;
    }
    const edges = overview.edges.map(edge => {
        const from = node('s:' + edge.service, edge.service, 'service', '#/calls?service=' + encodeURIComponent(edge.service));
        const link = '#/calls?service=' + encodeURIComponent(edge.service) + '&peer=' + encodeURIComponent(edge.peer);
        const to = edge.peerService
            ? node('s:' + edge.peerService, edge.peerService, 'service', '#/calls?service=' + encodeURIComponent(edge.peerService))
            : node('p:' + edge.peer, edge.peer, 'peer', link);
        if (!edge.peerService && !to.route && edge.routes && edge.routes.length) {
            to.route = edge.routes[0];
        }
        const item = {from, to, edge, link, slot: to.in};
        from.out.push(item);
        to.in++;
        return item;
    });
    // Columns by the longest path from a node nothing calls; a cycle stops at the node count.
    const order = [...nodes.values()];
    for (let round = 0; round < order.length; round++) {
        let moved = false;
        for (const {from, to} of edges) {
            if (to !== from && to.depth < from.depth + 1 && from.depth + 1 < order.length) {
                to.depth = from.depth + 1;
                moved = true;
            }
        }
        if (!moved) {
            break;
        }
    }
    const columns = [];
    for (const item of order.sort((a, b) => a.label.localeCompare(b.label))) {
        (columns[item.depth] = columns[item.depth] || []).push(item);
    }
    const rows = Math.max(1, ...columns.filter(Boolean).map(column => column.length));
    const width = Math.max(1, columns.length) * COLUMN - (COLUMN - NODE_WIDTH) + 20;
    const height = rows * ROW + 20;
    columns.forEach((column, depth) => (column || []).forEach((item, row) => {
        item.x = 10 + depth * COLUMN;
        item.y = 10 + row * ROW + (rows - column.length) * ROW / 2;
    }));
    // Incoming edges take their slots top to bottom by where they come from, so they do not cross.
    for (const target of nodes.values()) {
        edges.filter(item => item.to === target).sort((a, b) => a.from.y - b.from.y || a.from.x - b.from.x)
            .forEach((item, slot) => { item.slot = slot; });
    }
    const picture = svg('svg', {id: 'service-map', class: 'service-map', width, height, viewBox: '0 0 ' + width + ' ' + height,
        role: 'img', 'aria-label': 'service map'});
    for (const item of edges) {
        const x1 = item.from.x + NODE_WIDTH;
        const y1 = item.from.y + NODE_HEIGHT / 2;
        // Edges into one node end at points spread down its left side, each labelled just before it.
        const x2 = item.to.x;
        const y2 = item.to.y + NODE_HEIGHT * (item.slot + 1) / (item.to.in + 1);
        const bend = Math.max(40, (x2 - x1) / 2);
        const path = 'M' + x1 + ',' + y1 + ' C' + (x1 + bend) + ',' + y1 + ' ' + (x2 - bend) + ',' + y2 + ' ' + x2 + ',' + y2;
        const mx = x2 - 8;
        const my = y2 - 4;
        picture.append(svg('g', {class: 'edge ' + errorClass(item.edge.errorRatio), 'data-from': item.from.label,
            'data-to': item.to.label, onclick: () => go(item.link)},
            svg('title', {}, item.from.label + ' → ' + item.to.label + ' (' + item.edge.peer + '): ' + statsText(item.edge)),
            svg('path', {d: path}),
            svg('text', {x: mx, y: my, 'text-anchor': 'end', class: 'edge-label'}, statsText(item.edge))));
    }
    for (const item of nodes.values()) {
        const state = item.kind === 'service' ? health(item.label) : 'none';
        picture.append(svg('g', {class: 'node ' + item.kind + ' ' + state, 'data-node': item.label,
            transform: 'translate(' + item.x + ',' + item.y + ')', onclick: () => go(item.link)},
            svg('title', {}, item.label),
            svg('rect', {width: NODE_WIDTH, height: NODE_HEIGHT, rx: 6}),
            svg('text', {x: 10, y: 19, class: 'node-name'}, item.label.length > 26 ? item.label.slice(0, 25) + '…' : item.label),
            svg('text', {x: 10, y: 38, class: 'node-stats'}, item.stats ? statsText(item.stats)
                : item.kind === 'peer' ? 'no agent · ' + (item.route || '').slice(0, 24) : 'answers no requests')));
    }
    return picture;
}
