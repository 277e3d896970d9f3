// Line charts drawn by uPlot (bundled from its WebJar), and sparklines as small SVG. Series labels are page
// constants, never span data.

const COLOURS = ['#2563eb', '#dc2626', '#d97706', '#059669', '#7c3aed'];

/**
 * A chart titled `title` over x values in Unix seconds; `series` is [{label, values, dash, colour}], `format`
 * renders a y value. `onPick(index)` runs when a point is clicked.
 */
/** Formats counts: whole numbers only, so an axis never labels 0.5 retries as "1". */
export function count(value) {
    return Number.isInteger(value) ? String(value) : '';
}

/** `xRange` ([min, max] in Unix seconds), when given, fixes the time axis, so one lone point does not span years. */
export function lineChart(title, xs, series, format, onPick, xRange) {
    const holder = document.createElement('div');
    holder.className = 'chart';
    const options = {
        title,
        width: 520,
        height: 220,
        cursor: {drag: {x: false, y: false}},
        scales: {x: xRange ? {time: true, range: () => xRange} : {time: true}},
        axes: [{}, {values: (chart, ticks) => ticks.map(format), size: 70}],
        series: [{}].concat(series.map((line, i) => ({
            label: line.label,
            stroke: line.colour || COLOURS[i % COLOURS.length],
            dash: line.dash,
            width: 2,
            spanGaps: false,
            // Points too, so a lone value between gaps (one busy minute) still shows.
            points: {show: true, size: 5},
            value: (chart, value) => value == null ? '–' : format(value),
        }))),
    };
    const plot = new uPlot(options, [xs, ...series.map(line => line.values)], holder);
    if (onPick) {
        plot.over.classList.add('pickable');
        plot.over.addEventListener('click', () => {
            if (plot.cursor.idx !== null && plot.cursor.idx !== undefined) {
                onPick(plot.cursor.idx);
            }
        });
    }
    return holder;
}

const SVG = 'http://www.w3.org/2000/svg';

/**
 * A sparkline: each of `series` ([{values, colour, className}], nulls as gaps) as a polyline over one shared y scale
 * from 0, or `max` when given (so a budget ratio is drawn against 1), in a `width` × `height` SVG. `title` is the
 * tooltip.
 */
export function sparkline(series, {width = 120, height = 24, max = null, title = ''} = {}) {
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'sparkline');
    svg.setAttribute('width', width);
    svg.setAttribute('height', height);
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    if (title) {
        const tooltip = document.createElementNS(SVG, 'title');
        tooltip.textContent = title;
        svg.append(tooltip);
    }
    const values = series.flatMap(line => line.values).filter(value => value !== null && value !== undefined);
    const top = max ?? Math.max(0, ...values);
    const length = Math.max(...series.map(line => line.values.length));
    const x = index => length <= 1 ? width / 2 : index / (length - 1) * (width - 2) + 1;
    const y = value => height - 1 - (top > 0 ? Math.max(0, Math.min(value, top)) / top : 0) * (height - 2);
    for (const line of series) {
        // One polyline per run of values between gaps.
        let run = [];
        const flush = () => {
            if (run.length > 0) {
                const path = document.createElementNS(SVG, run.length === 1 ? 'circle' : 'polyline');
                if (run.length === 1) {
                    path.setAttribute('cx', run[0][0]);
                    path.setAttribute('cy', run[0][1]);
                    path.setAttribute('r', 1.5);
                    path.setAttribute('fill', line.colour);
                } else {
                    path.setAttribute('points', run.map(point => point.join(',')).join(' '));
                    path.setAttribute('fill', 'none');
                    path.setAttribute('stroke', line.colour);
                    path.setAttribute('stroke-width', 1.5);
                }
                path.setAttribute('class', line.className || '');
                svg.append(path);
            }
            run = [];
        };
        line.values.forEach((value, index) => {
            if (value === null || value === undefined) {
                flush();
            } else {
                run.push([x(index).toFixed(1), y(value).toFixed(1)]);
            }
        });
        flush();
    }
    return svg;
}
