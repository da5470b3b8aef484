/** A real HTTP client for the e2e tests: GET a URL, retrying until the server answers or the deadline passes. */
export async function get(url: string, deadline: number): Promise<{ status: number; body: string }> {
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
