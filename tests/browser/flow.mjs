// flow.mjs - the sspr pages in a real browser (Debian's chromium, driven by
// playwright-core): enrollment and a whole reset through the forms, the
// reset start with JavaScript disabled, a screenshot of every page, a
// simple accessibility check (and axe-core's) and the first Tab on each.
//
// Run by test_browser.sh, which starts the server and passes:
//   SSPR_BASE   http://localhost:PORT (localhost: a secure context, so the
//               Secure __Host- cookies work over plain HTTP)
//   SSPR_MAIL   the mail directory the server writes .eml files into
//   SSPR_SHOTS  where to save the screenshots (PNG)
//   CHROMIUM    the browser (default /usr/bin/chromium)
// Prints "ok NAME" or "FAIL NAME: WHY" per check, then
// "browser: N checks, M failed"; exits 1 on any failure.
import { chromium } from 'playwright-core';
import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, 'package.json'));
const base = process.env.SSPR_BASE;
const mailDir = process.env.SSPR_MAIL;
const shots = process.env.SSPR_SHOTS;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
if (!base || !mailDir || !shots) {
	console.log('FAIL setup: SSPR_BASE, SSPR_MAIL and SSPR_SHOTS must be set');
	process.exit(1);
}
mkdirSync(shots, { recursive: true });

let axeSource = null;
try {
	axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
} catch {
	// axe-core is optional: the built-in checks below still run.
}

let checks = 0, failures = 0;
function ok(name) { checks++; console.log(`ok ${name}`); }
function fail(name, why) { checks++; failures++; console.log(`FAIL ${name}: ${why}`); }
function check(name, cond, why) { cond ? ok(name) : fail(name, why); }

// A page that did not come back 200 ends its flow: what follows would only
// fail again on the error page.
class Stop extends Error {}
function statusIs(resp, want, name) {
	const got = resp ? resp.status() : 'no response';
	check(`${name}: status`, got === want, `status ${got}, want ${want}`);
	if (got !== want) throw new Stop(`${name} refused: the rest of this flow is not run`);
}

async function h1(page) {
	return (await page.locator('h1').first().textContent({ timeout: 2000 }).catch(() => null))?.trim() ?? null;
}

async function h1Is(page, want, name) {
	const got = await h1(page);
	check(`${name}: h1`, got === want, `h1 '${got}', want '${want}'`);
}

// The simple accessibility check, in the page: html lang, one h1, every
// form control labelled (a <label for>, a wrapping <label>, aria-label or
// aria-labelledby, and the label not empty), every <label for> pointing at
// a control, images with alt, ids unique.
function a11yProblems() {
	const bad = [];
	const lang = document.documentElement.getAttribute('lang');
	if (!lang || !lang.trim()) bad.push('html has no lang');
	const h1s = document.querySelectorAll('h1');
	if (h1s.length !== 1) bad.push(`${h1s.length} h1 elements, want 1`);
	else if (!h1s[0].textContent.trim()) bad.push('empty h1');
	if (!document.title.trim()) bad.push('empty <title>');
	for (const el of document.querySelectorAll('input, select, textarea')) {
		if (el.type === 'hidden') continue;
		const what = `${el.tagName.toLowerCase()}[name=${el.name}]`;
		const aria = (el.getAttribute('aria-label') || '').trim();
		const by = (el.getAttribute('aria-labelledby') || '').trim();
		const texts = [...el.labels].map((l) => l.textContent.trim());
		if (!aria && !by && texts.length === 0) bad.push(`${what} has no label`);
		else if (!aria && !by && texts.every((t) => t === '')) bad.push(`${what} has an empty label`);
		for (const id of (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean))
			if (!document.getElementById(id)) bad.push(`${what}: aria-describedby '${id}' missing`);
	}
	for (const l of document.querySelectorAll('label[for]')) {
		const t = document.getElementById(l.htmlFor);
		if (!t || !['INPUT', 'SELECT', 'TEXTAREA'].includes(t.tagName))
			bad.push(`label for '${l.htmlFor}' names no form control`);
	}
	for (const img of document.querySelectorAll('img'))
		if (!img.hasAttribute('alt')) bad.push(`img ${img.getAttribute('src')} has no alt`);
	const seen = new Set();
	for (const el of document.querySelectorAll('[id]')) {
		if (seen.has(el.id)) bad.push(`duplicate id '${el.id}'`);
		seen.add(el.id);
	}
	return bad;
}

// Everything done on each page: screenshot, simple check, axe, first Tab.
async function inspect(page, name, { axe = true } = {}) {
	const file = join(shots, `${name}.png`);
	await page.screenshot({ path: file, fullPage: true });
	const bad = await page.evaluate(a11yProblems);
	check(`${name}: labels, h1, lang, alt`, bad.length === 0, bad.join('; '));

	if (axe && axeSource) {
		// Not page.addScriptTag: the pages' Content-Security-Policy
		// (default-src 'self') rightly refuses the inline <script> that
		// it creates, and bypassCSP would hide CSP errors from this test.
		// page.evaluate runs outside CSP.
		const result = await page.evaluate(async (src) => {
			if (!window.axe) (0, eval)(src);
			const r = await window.axe.run(document, { resultTypes: ['violations'] });
			return r.violations.map((v) => ({
				id: v.id, impact: v.impact, help: v.help,
				nodes: v.nodes.map((n) => n.target.join(' ')),
			}));
		}, axeSource);
		const serious = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
		for (const v of result.filter((v) => !serious.includes(v)))
			console.log(`note ${name}: axe ${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(', ')}`);
		check(`${name}: axe serious/critical`, serious.length === 0,
			serious.map((v) => `${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(', ')}`).join('; '));
	}

	// The first Tab, from the page as loaded (on the autofocus field if
	// it has one), reaches something one can see and shows focus.
	await page.keyboard.press('Tab');
	const f = await page.evaluate(() => {
		const el = document.activeElement;
		if (!el || el === document.body) return { what: 'nothing', visible: false };
		const r = el.getBoundingClientRect();
		const cs = getComputedStyle(el);
		const onScreen = r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 &&
			r.left < innerWidth && r.top < innerHeight;
		const visible = onScreen && cs.visibility !== 'hidden' && cs.display !== 'none' && cs.opacity !== '0';
		const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
		return { what: `${el.tagName.toLowerCase()} '${(el.textContent || el.name || '').trim()}'`, visible, outline };
	});
	check(`${name}: first Tab focuses a visible element`, f.visible, `focus on ${f.what}, not visible`);
	check(`${name}: the focused element has an outline`, f.outline, `focus on ${f.what} shows no outline`);
	await page.screenshot({ path: join(shots, `${name}-tab.png`) });
}

// The access code: the newest .eml in the mail directory that is not in
// `before` and holds an indented 8-character code.
async function accessCode(before) {
	for (let i = 0; i < 100; i++) {
		let names = [];
		try { names = readdirSync(mailDir).filter((n) => n.endsWith('.eml') && !before.has(n)).sort(); } catch {}
		for (const n of names.reverse()) {
			const text = readFileSync(join(mailDir, n), 'utf8').replace(/\r/g, '');
			const m = text.match(/^ {4}([ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8})$/m);
			if (m) return m[1];
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	return null;
}
function mailFiles() {
	try { return new Set(readdirSync(mailDir)); } catch { return new Set(); }
}

async function submit(page, name) {
	const [resp] = await Promise.all([
		page.waitForNavigation({ timeout: 10000 }),
		page.locator('form button[type=submit]').click(),
	]);
	if (resp && resp.status() >= 400) {
		// Say what the browser sent and what came back: the server's
		// refusals are decided on these headers.
		const h = await resp.request().allHeaders();
		const body = (await resp.text().catch(() => '')).slice(0, 200).replace(/\s+/g, ' ');
		console.log(`note ${name}: ${resp.request().method()} ${new URL(resp.url()).pathname} -> ${resp.status()}; ` +
			`Origin: ${h.origin ?? '(none)'}, Sec-Fetch-Site: ${h['sec-fetch-site'] ?? '(none)'}, ` +
			`Referer: ${h.referer ?? '(none)'}; body: ${body}`);
	}
	return resp;
}

// Collect what the browser complains about (CSP violations, 404s).
function watch(page, name) {
	const problems = [];
	page.on('console', (m) => {
		if (m.type() !== 'error') return;
		const where = m.location()?.url || '';
		// Chromium asks for /favicon.ico by itself when a page names no
		// icon; the 404 is noted, not failed.
		if (/\/favicon\.ico$/.test(where)) {
			if (!problems.favicon) console.log(`note ${name}: ${m.text()} (${where}): the pages name no icon`);
			problems.favicon = true;
			return;
		}
		problems.push(`${m.text()}${where ? ` (${where})` : ''}`);
	});
	page.on('pageerror', (e) => problems.push(String(e)));
	// The favicon loads on its own, after the page: a navigation (the next
	// step's form post) may abort it, which is no fault of the page.
	page.on('requestfailed', (r) => {
		if (new URL(r.url()).pathname === '/static/logo.svg' &&
		    r.failure()?.errorText === 'net::ERR_ABORTED')
			return;
		problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
	});
	page.on('response', (r) => {
		if (r.status() >= 400 && r.request().resourceType() !== 'document')
			problems.push(`${r.status()} for ${r.request().resourceType()} ${new URL(r.url()).pathname}`);
	});
	return () => {
		check(`${name}: no console errors`, problems.length === 0, problems.join('; '));
		problems.length = 0;
	};
}

console.log(axeSource ? `note axe-core ${require('axe-core/package.json').version} runs on each page`
	: 'note axe-core is not installed: its rules are not run');

const browser = await chromium.launch({
	executablePath,
	headless: true,
	timeout: 30000,
	args: [
		'--no-sandbox', // root in a container
		'--disable-dev-shm-usage',
		// Loopback only: nothing but localhost resolves.
		'--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost',
	],
});
// Run one flow; a Stop or an error fails it, and the next still runs.
async function flow(name, fn) {
	try {
		await fn();
	} catch (e) {
		fail(`${name} flow`, e instanceof Stop ? e.message : (e && e.stack) || String(e));
	}
}

try {
	// ---- JavaScript on: enrollment, then the whole reset ----
	await flow('js', async () => {
		const ctx = await browser.newContext({ baseURL: base, locale: 'en-US', viewport: { width: 1024, height: 768 } });
		ctx.setDefaultTimeout(10000);
		const page = await ctx.newPage();
		const consoleCheck = watch(page, 'js');

		let resp = await page.goto('/');
		statusIs(resp, 200, 'home');
		await h1Is(page, 'Forgot your password, or is your user ID revoked?', 'home');
		await inspect(page, '01-home');

		await Promise.all([page.waitForNavigation(), page.locator('a[href="/enroll"]').click()]);
		await h1Is(page, 'Enroll for self-service', 'enroll');
		await inspect(page, '02-enroll');
		await page.locator('#userid').fill('ALICE');
		await page.locator('#password').fill('SUNNY42');
		await page.locator('#email').fill('alice@example.com');
		await page.locator('#pin').fill('583920');
		const answers = { Q01: 'Whiskers', Q02: 'Oldtown', Q03: 'Jonathan' };
		const nslots = await page.locator('select[id^=q]').count();
		check('enroll: three question slots', nslots === 3, `${nslots} slots`);
		let n = 1;
		for (const [q, a] of Object.entries(answers)) {
			await page.locator(`#q${n}`).selectOption(q);
			await page.locator(`#a${n}`).fill(a);
			n++;
		}
		await page.screenshot({ path: join(shots, '02-enroll-filled.png'), fullPage: true });
		resp = await submit(page, 'enroll');
		statusIs(resp, 200, 'enroll');
		await h1Is(page, 'Done', 'enroll');
		const html = await page.content();
		for (const secret of ['SUNNY42', 'Whiskers', '583920'])
			check(`enroll: page does not echo ${secret}`, !html.includes(secret), 'echoed');
		await inspect(page, '03-enroll-done');

		// The reset, from the home page's button.
		await page.goto('/');
		await Promise.all([page.waitForNavigation(), page.locator('a[href="/reset"]').click()]);
		await h1Is(page, 'Reset your password', 'reset');
		check('reset: the user ID field has focus (autofocus)',
			await page.evaluate(() => document.activeElement?.id === 'userid'), 'it has not');
		await inspect(page, '04-reset');
		await page.getByLabel('User ID').fill('ALICE');
		resp = await submit(page, 'reset');
		statusIs(resp, 200, 'reset');
		await h1Is(page, 'Your PIN', 'reset');
		await inspect(page, '05-reset-pin');

		const before = mailFiles();
		await page.locator('#pin').fill('583920');
		resp = await submit(page, 'pin');
		statusIs(resp, 200, 'pin');
		await h1Is(page, 'Your access code', 'pin');
		await inspect(page, '06-reset-code');
		const code = await accessCode(before);
		check('code: an access code was mailed', code !== null, `no code in a new .eml in ${mailDir}`);
		await page.locator('#code').fill(code ?? 'NOCODE');
		resp = await submit(page, 'code');
		statusIs(resp, 200, 'code');
		await h1Is(page, 'Your security questions', 'code');
		await inspect(page, '07-reset-answers');
		const inputs = page.locator('form input[id^=a]');
		const nq = await inputs.count();
		check('answers: two questions asked', nq === 2, `${nq} questions`);
		for (let i = 0; i < nq; i++) {
			const id = await inputs.nth(i).getAttribute('id');
			const q = (await page.locator(`label[for="${id}"]`).textContent()).trim();
			const a = /pet/.test(q) ? 'Whiskers' : /town/.test(q) ? 'Oldtown' : 'Jonathan';
			await page.getByLabel(q, { exact: true }).fill(a);
		}
		resp = await submit(page, 'answers');
		statusIs(resp, 200, 'answers');
		await h1Is(page, 'What should happen?', 'answers');
		await inspect(page, '08-reset-action');
		check('action: PROD offered and ticked',
			await page.locator('input[name=sys_prod]').isChecked().catch(() => false), 'no ticked sys_prod box');
		check('action: "password" chosen', await page.locator('input[name=action][value=password]').isChecked(), 'not checked');
		await page.locator('#new').fill('NEWPW123');
		await page.locator('#confirm').fill('NEWPW123');
		resp = await submit(page, 'complete');
		statusIs(resp, 200, 'complete');
		await h1Is(page, 'Done', 'complete');
		const rows = await page.locator('table.results tbody tr').count();
		check('complete: a result row per system', rows === 1, `${rows} rows`);
		await inspect(page, '09-reset-done');
		consoleCheck();
		await ctx.close();
	});

	// ---- JavaScript off: the reset start works the same ----
	await flow('nojs', async () => {
		const nojs = await browser.newContext({ baseURL: base, javaScriptEnabled: false, locale: 'en-US', viewport: { width: 1024, height: 768 } });
		nojs.setDefaultTimeout(10000);
		const p2 = await nojs.newPage();
		const consoleCheck2 = watch(p2, 'nojs');
		let resp = await p2.goto('/');
		statusIs(resp, 200, 'nojs home');
		await h1Is(p2, 'Forgot your password, or is your user ID revoked?', 'nojs home');
		await Promise.all([p2.waitForNavigation(), p2.locator('a[href="/reset"]').click()]);
		await h1Is(p2, 'Reset your password', 'nojs reset');
		// page.evaluate still works with page scripts off (it is the
		// driver's, not the page's), so the same checks run.
		await inspect(p2, '10-nojs-reset', { axe: false });
		await p2.getByLabel('User ID').fill('ALICE');
		resp = await submit(p2, 'nojs reset');
		statusIs(resp, 200, 'nojs reset');
		await h1Is(p2, 'Your PIN', 'nojs reset');
		await p2.screenshot({ path: join(shots, '11-nojs-reset-pin.png'), fullPage: true });
		// The language switch is a plain link too.
		await Promise.all([p2.waitForNavigation(), p2.locator('a[href="/lang/de"]').click()]);
		await p2.goto('/reset');
		await h1Is(p2, 'Passwort zurücksetzen', 'nojs German');
		check('nojs German: html lang', (await p2.locator('html').getAttribute('lang')) === 'de', 'not de');
		await p2.screenshot({ path: join(shots, '12-nojs-reset-de.png'), fullPage: true });
		consoleCheck2();
		await nojs.close();
	});
} catch (e) {
	fail('browser run', (e && e.stack) || String(e));
} finally {
	await browser.close().catch(() => {});
}
console.log(`browser: ${checks} checks, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
