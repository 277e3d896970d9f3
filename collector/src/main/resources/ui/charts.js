// Line charts drawn by uPlot (bundled from its WebJar). Series labels are page constants, never span data.

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
