// Reads the collector's JSON API; an error answer becomes an Error carrying the collector's message.

export async function getJson(path) {
    const response = await fetch(path, {headers: {Accept: 'application/json'}});
    const body = await response.json().catch(() => ({error: response.statusText}));
    if (!response.ok) {
        throw new Error(body.error || ('HTTP ' + response.status));
    }
    return body;
}
