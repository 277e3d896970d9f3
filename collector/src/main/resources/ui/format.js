// Display formats shared by the pages; a missing value shows as an en dash.

export function percent(ratio, digits = 3) {
    return ratio === null || ratio === undefined ? '–' : (ratio * 100).toFixed(digits) + ' %';
}

export function millis(seconds) {
    if (seconds === null || seconds === undefined) {
        return '–';
    }
    const ms = seconds * 1000;
    return (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0)) + ' ms';
}

export function nanosAsMillis(nanos) {
    return millis(nanos / 1e9);
}

export function number(value) {
    return value === null || value === undefined ? '–' : Number(value).toLocaleString('en-US');
}

export function rate(perSecond) {
    return perSecond === null || perSecond === undefined ? '–' : perSecond.toFixed(3) + ' /s';
}

export function time(isoOrMillis) {
    return new Date(isoOrMillis).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
