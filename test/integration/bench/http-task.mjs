// A bench-shaped task for child-task.test.ts: `node http-task.mjs <url>` fetches the URL (a server
// in the parent process) and prints `{ result, ms, cpuMs, peakRss }`; `node http-task.mjs hang` never ends.
const [target] = process.argv.slice(2);
if (target === 'hang') {
  console.error('hanging on purpose');
  setInterval(() => undefined, 1_000);
} else {
  const started = performance.now();
  const body = await (await fetch(target)).text();
  console.log('a log line before the result');
  console.log(JSON.stringify({ result: body, ms: performance.now() - started, cpuMs: 0, peakRss: process.resourceUsage().maxRSS * 1024 }));
}
