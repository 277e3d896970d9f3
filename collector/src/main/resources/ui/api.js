// Reads the collector's JSON API; an error answer becomes an Error carrying the collector's message.

export async function getJson(path) {
    const response = await fetch(path, {headers: {Accept: 'application/json'}});
    if (response.status === 401) {
        // The collector has a token and this browser's login cookie is missing or stale: log in again.
        location.assign('/login');
    }
    const body = await response.json().catch(() => ({error: response.statusText}));
    if (!response.ok) {
        throw new Error(body.error || ('HTTP ' + response.status));
    }
    return body;
}
