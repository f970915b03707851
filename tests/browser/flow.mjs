// flow.mjs - the sspr pages in a real browser (Debian's chromium, driven by
// playwright-core): enrollment and a whole reset through the forms; a new
// password phrase; an unlock; a wrong answer; a user ID an administrator
// revoked; the language switch; the reset start with JavaScript disabled;
// two tabs with two flows and a refused completion retried;
// the helpdesk (sign-on, look-up, clear-lockout, the drift report and its
// one-click replication, sign-off); two systems, PROD and DR, throughout;
// a screenshot of every page, a simple accessibility check (and axe-core's)
// and the first Tab on each.
//
// Run by test_browser.sh, which starts the server and passes:
//   SSPR_BASE   http://localhost:PORT (localhost: a secure context, so the
//               Secure __Host- cookies work over plain HTTP)
//   SSPR_MAIL   the spool directory of the SMTP server (tests/mail/smtpd.py)
//               the server mails through: one <n>.json per message
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

// axe-core is a pinned dependency (package.json): without it the audit
// would silently not run, so that is a failure.
let axeSource = null;
try {
	axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
} catch (e) {
	console.log(`FAIL setup: axe-core cannot be loaded (${e.message})`);
	process.exit(1);
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

	if (axe) {
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

// The access code: from the newest message the SMTP server stored (a
// <n>.json in SSPR_MAIL, see tests/mail/smtpd.py) that is not in `before`,
// is addressed to `rcpt` and holds an indented 8-character code.  The
// outbox sender delivers in the background: polled for up to 10 s.
function spooled(n) {
	try { return JSON.parse(readFileSync(join(mailDir, n), 'utf8')); } catch { return null; }
}
async function accessCode(before, rcpt) {
	for (let i = 0; i < 100; i++) {
		for (const n of newMail(before).reverse()) {
			const m = spooled(n);
			if (!m || !m.rcpt_tos.includes(rcpt)) continue;
			const c = m.data.replace(/\r/g, '').match(/^ {4}([ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8})$/m);
			if (c) return c[1];
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	return null;
}
function mailFiles() {
	try { return new Set(readdirSync(mailDir)); } catch { return new Set(); }
}
// The messages stored since `before`, oldest first (n = 1, 2, ...).
function newMail(before) {
	let names = [];
	try { names = readdirSync(mailDir).filter((n) => /^\d+\.json$/.test(n) && !before.has(n)); } catch {}
	return names.sort((a, b) => parseInt(a) - parseInt(b));
}

// The systems, in order, of the rows of the result table (table.results),
// only those of class `cls` if given.
const SYSTEMS = ['PROD', 'DR'];
async function resultSystems(page, cls = null) {
	return page.locator(`table.results tbody tr${cls ? '.' + cls : ''} th`).allTextContents()
		.then((a) => a.map((t) => t.trim()));
}
async function allChanged(page, name, want = SYSTEMS) {
	const all = await resultSystems(page), ok = await resultSystems(page, 'ok');
	check(`${name}: ${want.join(' and ')} changed`, all.join(',') === want.join(',') && ok.join(',') === want.join(','),
		`rows ${all.join(',') || 'none'}, ok ${ok.join(',') || 'none'}`);
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
// refused: the paths whose page is meant to come back 403 (Chromium logs
// every 4xx document as "Failed to load resource").
function watch(page, name, refused = []) {
	const problems = [];
	page.on('console', (m) => {
		if (m.type() !== 'error') return;
		const where = m.location()?.url || '';
		if (where && refused.includes(new URL(where).pathname) &&
		    /status of (403|422)/.test(m.text()))
			return;
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

console.log(`note axe-core ${require('axe-core/package.json').version} runs on each page`);

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
		await allChanged(page, 'enroll');
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
		const code = await accessCode(before, 'alice@example.com');
		check('code: an access code was mailed', code !== null, `no code for alice in a new message in ${mailDir}`);
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
		const boxes = await page.locator('input[type=checkbox]').evaluateAll(
			(els) => els.map((e) => `${e.name}=${e.checked}`));
		check('action: PROD and DR offered and ticked', boxes.join(',') === 'sys_prod=true,sys_dr=true',
			`boxes: ${boxes.join(',') || 'none'}`);
		check('action: "password" chosen', await page.locator('input[name=action][value=password]').isChecked(), 'not checked');
		await page.locator('#new').fill('NEWPW123');
		await page.locator('#confirm').fill('NEWPW123');
		resp = await submit(page, 'complete');
		statusIs(resp, 200, 'complete');
		await h1Is(page, 'Done', 'complete');
		await allChanged(page, 'complete');
		check('complete: the list says both changed',
			(await page.locator('ul.outcomes li.ok').textContent().catch(() => '')).trim() === 'Changed on: PROD, DR',
			'no "Changed on: PROD, DR"');
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

	// ---- The other paths, one user each (the per-user failure count and
	// the flow cookie are their own), each in a fresh browser context.
	// BOB, CAROL, DAVE and ERIN were enrolled by test_browser.sh through
	// the JSON API with PIN 583920 and ALICE's answers, on PROD and DR
	// (FRED on PROD only); BOB was revoked by three wrong passwords, ERIN
	// by an administrator, on both.
	const PIN = '583920';
	const HELP_PW = 'HELPA12';
	const answerFor = (q) => /pet/.test(q) ? 'Whiskers' : /town/.test(q) ? 'Oldtown' : 'Jonathan';
	async function open(name, refused = []) {
		const ctx = await browser.newContext({ baseURL: base, locale: 'en-US', viewport: { width: 1024, height: 768 } });
		ctx.setDefaultTimeout(10000);
		const page = await ctx.newPage();
		return { ctx, page, consoleCheck: watch(page, name, refused) };
	}
	// From /reset to the questions: the user ID, the PIN, the code mailed
	// through the SMTP server.
	async function toAnswers(page, name, user, email) {
		let resp = await page.goto('/reset');
		statusIs(resp, 200, `${name} reset form`);
		await page.getByLabel('User ID').fill(user);
		resp = await submit(page, `${name} reset`);
		statusIs(resp, 200, `${name} reset`);
		await h1Is(page, 'Your PIN', `${name} reset`);
		const before = mailFiles();
		await page.locator('#pin').fill(PIN);
		resp = await submit(page, `${name} pin`);
		statusIs(resp, 200, `${name} pin`);
		await h1Is(page, 'Your access code', `${name} pin`);
		const code = await accessCode(before, email);
		check(`${name} code: mailed through SMTP`, code !== null, `no code for ${email} in ${mailDir}`);
		if (code === null) throw new Stop(`${name}: no access code`);
		await page.locator('#code').fill(code);
		resp = await submit(page, `${name} code`);
		statusIs(resp, 200, `${name} code`);
		await h1Is(page, 'Your security questions', `${name} code`);
	}
	async function answer(page, wrong = false) {
		const inputs = page.locator('form input[id^=a]');
		const nq = await inputs.count();
		for (let i = 0; i < nq; i++) {
			const id = await inputs.nth(i).getAttribute('id');
			const q = (await page.locator(`label[for="${id}"]`).textContent()).trim();
			await page.getByLabel(q, { exact: true }).fill(wrong ? 'Garfield' : answerFor(q));
		}
		return nq;
	}
	async function radios(page) {
		return page.locator('input[name=action]').evaluateAll((els) => els.map((e) => e.value));
	}
	// A new message to `rcpt` holding `text`, within 10 s.
	async function mailWith(before, rcpt, text) {
		for (let i = 0; i < 100; i++) {
			for (const n of newMail(before)) {
				const m = spooled(n);
				if (m && m.rcpt_tos.includes(rcpt) && m.data.includes(text)) return true;
			}
			await new Promise((r) => setTimeout(r, 100));
		}
		return false;
	}

	// ---- A new password phrase (DAVE) ----
	await flow('phrase', async () => {
		const { ctx, page, consoleCheck } = await open('phrase');
		await toAnswers(page, 'phrase', 'DAVE', 'dave@example.com');
		await answer(page);
		let resp = await submit(page, 'phrase answers');
		statusIs(resp, 200, 'phrase answers');
		await h1Is(page, 'What should happen?', 'phrase answers');
		const offered = await radios(page);
		check('phrase action: password and phrase offered, not unlock',
			offered.join(',') === 'password,phrase', `offered: ${offered.join(',')}`);
		await page.getByLabel('Set a new password phrase').check();
		check('phrase action: "phrase" chosen',
			await page.locator('input[name=action][value=phrase]').isChecked(), 'not checked');
		const phrase = 'correct horse 7 battery';
		await page.locator('#new').fill(phrase);
		await page.locator('#confirm').fill(phrase);
		await page.screenshot({ path: join(shots, '13-phrase-action.png'), fullPage: true });
		const before = mailFiles();
		resp = await submit(page, 'phrase complete');
		statusIs(resp, 200, 'phrase complete');
		await h1Is(page, 'Done', 'phrase complete');
		check('phrase complete: page does not echo the phrase', !(await page.content()).includes(phrase), 'echoed');
		await allChanged(page, 'phrase complete');
		await inspect(page, '14-phrase-done');
		check('phrase complete: notice mailed through SMTP',
			await mailWith(before, 'dave@example.com', 'password phrase changed'),
			'no new message to dave@example.com saying "password phrase changed"');
		consoleCheck();
		await ctx.close();
	});

	// ---- Unlock a user ID revoked by failed attempts (BOB) ----
	await flow('unlock', async () => {
		const { ctx, page, consoleCheck } = await open('unlock');
		await toAnswers(page, 'unlock', 'BOB', 'bob@example.com');
		await answer(page);
		let resp = await submit(page, 'unlock answers');
		statusIs(resp, 200, 'unlock answers');
		await h1Is(page, 'What should happen?', 'unlock answers');
		const offered = await radios(page);
		check('unlock action: unlock offered', offered.includes('unlock'), `offered: ${offered.join(',')}`);
		await page.locator('input[name=action][value=unlock]').check();
		await inspect(page, '15-unlock-action');
		// The Tab of inspect() moved focus; the choice stays.
		check('unlock action: "unlock" chosen',
			await page.locator('input[name=action][value=unlock]').isChecked(), 'not checked');
		resp = await submit(page, 'unlock complete');
		statusIs(resp, 200, 'unlock complete');
		await h1Is(page, 'Done', 'unlock complete');
		await allChanged(page, 'unlock complete');
		await inspect(page, '16-unlock-done');
		consoleCheck();
		await ctx.close();
	});

	// ---- A wrong answer (CAROL): the generic refusal, nothing changed ----
	await flow('wrong', async () => {
		const { ctx, page, consoleCheck } = await open('wrong', ['/reset/answers']);
		await toAnswers(page, 'wrong', 'CAROL', 'carol@example.com');
		const nq = await answer(page, true);
		check('wrong: questions asked', nq === 2, `${nq} questions`);
		const resp = await submit(page, 'wrong answers');
		statusIs(resp, 403, 'wrong answers');
		await h1Is(page, 'We could not continue', 'wrong answers');
		const html = await page.content();
		check('wrong: the refusal does not repeat the answer', !html.includes('Garfield'), 'echoed');
		check('wrong: no action offered', (await page.locator('input[name=action]').count()) === 0, 'an action form');
		const flowCookie = (await ctx.cookies()).find((c) => c.name === '__Host-flow' && c.value !== '');
		check('wrong: no flow cookie (the flow is in the form)', !flowCookie, 'set');
		await inspect(page, '17-wrong-denied');
		await Promise.all([page.waitForNavigation(), page.locator('main a.button').click()]);
		await h1Is(page, 'Reset your password', 'wrong: continue');
		consoleCheck();
		await ctx.close();
	});

	// ---- Two tabs of one browser, two flows (GRACE, HENRY), every step
	// interleaved: neither replaces the other.  In GRACE's tab a
	// completion refused (two different new passwords) shows the action
	// page again, and the same flow then completes.
	await flow('tabs', async () => {
		const { ctx, page: a, consoleCheck } = await open('tabs', ['/reset/complete']);
		const b = await ctx.newPage();
		const consoleB = watch(b, 'tabs B');
		const tabs = [[a, 'GRACE', 'grace@example.com'], [b, 'HENRY', 'henry@example.com']];
		for (const [p, user] of tabs) {
			statusIs(await p.goto('/reset'), 200, `tabs ${user} form`);
			await p.getByLabel('User ID').fill(user);
			statusIs(await submit(p, `tabs ${user} start`), 200, `tabs ${user} start`);
		}
		const codes = [];
		for (const [p, user, email] of tabs) {
			const before = mailFiles();
			await p.locator('#pin').fill(PIN);
			statusIs(await submit(p, `tabs ${user} pin`), 200, `tabs ${user} pin`);
			await h1Is(p, 'Your access code', `tabs ${user} pin`);
			codes.push(await accessCode(before, email));
		}
		check('tabs: a code for each', codes.every((c) => c !== null), JSON.stringify(codes));
		for (const [i, [p, user]] of tabs.entries()) {
			await p.locator('#code').fill(codes[i] ?? 'NOCODE');
			statusIs(await submit(p, `tabs ${user} code`), 200, `tabs ${user} code`);
			await h1Is(p, 'Your security questions', `tabs ${user} code`);
		}
		for (const [p, user] of tabs) {
			await answer(p);
			statusIs(await submit(p, `tabs ${user} answers`), 200, `tabs ${user} answers`);
			await h1Is(p, 'What should happen?', `tabs ${user} answers`);
		}
		await a.locator('#new').fill('GRACE123');
		await a.locator('#confirm').fill('GRACE124');
		statusIs(await submit(a, 'tabs GRACE mismatch'), 422, 'tabs GRACE mismatch');
		await h1Is(a, 'What should happen?', 'tabs GRACE mismatch: the action page again');
		check('tabs GRACE mismatch: said so', (await a.locator('#form-error').textContent()).includes('not the same'),
			'no error shown');
		await a.screenshot({ path: join(shots, '18a-tabs-mismatch.png'), fullPage: true });
		for (const [p, user] of tabs) {
			await p.locator('#new').fill(`${user.slice(0, 4)}1234`);
			await p.locator('#confirm').fill(`${user.slice(0, 4)}1234`);
			statusIs(await submit(p, `tabs ${user} complete`), 200, `tabs ${user} complete`);
			await h1Is(p, 'Done', `tabs ${user} complete`);
		}
		const cookies = (await ctx.cookies()).map((c) => c.name);
		check('tabs: no flow cookie, one binding', !cookies.includes('__Host-flow') && cookies.includes('__Host-fb'),
			cookies.join(','));
		consoleCheck();
		consoleB();
		await ctx.close();
	});

	// ---- Revoked by an administrator (ERIN): never self-served ----
	await flow('admin-revoked', async () => {
		const { ctx, page, consoleCheck } = await open('admin-revoked', ['/reset/pin']);
		let resp = await page.goto('/reset');
		statusIs(resp, 200, 'admin-revoked reset form');
		await page.getByLabel('User ID').fill('ERIN');
		resp = await submit(page, 'admin-revoked reset');
		// The same PIN page as for anyone: nothing told before the PIN.
		statusIs(resp, 200, 'admin-revoked reset');
		await h1Is(page, 'Your PIN', 'admin-revoked reset');
		await page.locator('#pin').fill(PIN);
		resp = await submit(page, 'admin-revoked pin');
		statusIs(resp, 403, 'admin-revoked pin');
		await h1Is(page, 'We could not continue', 'admin-revoked pin');
		await page.screenshot({ path: join(shots, '18-admin-revoked-denied.png'), fullPage: true });
		consoleCheck();
		await ctx.close();
	});

	// ---- The language switch, JavaScript on ----
	await flow('lang', async () => {
		const { ctx, page, consoleCheck } = await open('lang');
		let resp = await page.goto('/');
		statusIs(resp, 200, 'lang home');
		[resp] = await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Deutsch' }).click()]);
		statusIs(resp, 200, 'lang de');
		check('lang de: back on the home page', new URL(page.url()).pathname === '/', page.url());
		check('lang de: html lang', (await page.locator('html').getAttribute('lang')) === 'de', 'not de');
		await h1Is(page, 'Passwort vergessen oder Kennung gesperrt?', 'lang de');
		await inspect(page, '19-home-de');
		await Promise.all([page.waitForNavigation(), page.locator('a[href="/reset"]').click()]);
		await h1Is(page, 'Passwort zurücksetzen', 'lang de reset');
		check('lang de reset: html lang', (await page.locator('html').getAttribute('lang')) === 'de', 'not de');
		await inspect(page, '20-reset-de');
		[resp] = await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'English' }).click()]);
		statusIs(resp, 200, 'lang en');
		check('lang en: html lang', (await page.locator('html').getAttribute('lang')) === 'en', 'not en');
		await h1Is(page, 'Forgot your password, or is your user ID revoked?', 'lang en');
		consoleCheck();
		await ctx.close();
	});
	// ---- The helpdesk: sign-on, look-up, an action, drift, sign-off ----
	await flow('helpdesk', async () => {
		const { ctx, page, consoleCheck } = await open('helpdesk', ['/helpdesk']);
		// click SELECTOR: submit the form of the button, wait for the page.
		const click = async (sel, name) => {
			const [resp] = await Promise.all([
				page.waitForNavigation({ timeout: 10000 }),
				page.locator(sel).click(),
			]);
			statusIs(resp, 200, name);
			return resp;
		};
		let resp = await page.goto('/helpdesk/user?id=FRED');
		statusIs(resp, 200, 'helpdesk without a session');
		check('helpdesk without a session: the sign-on page',
			new URL(page.url()).pathname === '/helpdesk', page.url());
		await h1Is(page, 'Helpdesk sign-on', 'helpdesk sign-on');
		await inspect(page, '21-helpdesk-signon');
		await page.getByLabel('User ID').fill('HELP01');
		await page.getByLabel('Password or phrase').fill('WRONG12');
		[resp] = await Promise.all([page.waitForNavigation(), page.locator('main form button[type=submit]').click()]);
		statusIs(resp, 403, 'helpdesk wrong password');
		check('helpdesk wrong password: said so',
			(await page.locator('#form-error').textContent()).includes('Sign-on failed'), 'no error shown');
		check('helpdesk wrong password: not echoed', !(await page.content()).includes('WRONG12'), 'echoed');
		check('helpdesk wrong password: the user ID kept, the password not',
			(await page.getByLabel('User ID').inputValue()) === 'HELP01' &&
			(await page.getByLabel('Password or phrase').inputValue()) === '', 'not kept, or the password kept');
		await page.getByLabel('User ID').fill('HELP01');
		await page.getByLabel('Password or phrase').fill(HELP_PW);
		await click('main form button[type=submit]', 'helpdesk sign-on');
		check('helpdesk sign-on: on the look-up page',
			new URL(page.url()).pathname === '/helpdesk/user', page.url());
		const hd = (await ctx.cookies()).find((c) => c.name === '__Host-hd');
		check('helpdesk cookie: HttpOnly, Secure, Strict, session',
			hd && hd.httpOnly && hd.secure && hd.sameSite === 'Strict' && hd.expires === -1,
			JSON.stringify(hd));
		await h1Is(page, 'Look up a user', 'helpdesk look-up');
		await page.getByLabel('User ID').fill('FRED');
		await click('form.lookup button[type=submit]', 'helpdesk look-up FRED');
		check('helpdesk look-up: FRED shown', (await page.locator('main h2').first().textContent()) === 'FRED',
			'no FRED');
		check('helpdesk look-up: the masked address',
			(await page.locator('table.data').first().textContent()).includes('@example.com') &&
			!(await page.content()).includes('fred@example.com'), 'address not masked');
		// The look-up's table of systems: per row the system, its cells
		// (Defined, Revoked, Enrolled, ...) and the enrollment digest.
		const systemRows = () => page.locator('table.data').first().locator('tbody tr').evaluateAll(
			(trs) => trs.map((tr) => ({
				name: tr.querySelector('th')?.textContent.trim(),
				cells: [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()),
				digest: tr.querySelector('td code')?.textContent.trim() ?? '',
			})));
		let sys = await systemRows();
		check('helpdesk look-up: two systems, PROD and DR', sys.map((r) => r.name).join(',') === 'PROD,DR',
			`systems: ${sys.map((r) => r.name).join(',')}`);
		check('helpdesk look-up: defined on both, enrolled on PROD only',
			sys.length === 2 && sys.every((r) => r.cells[0] === 'Yes') &&
			/^Yes/.test(sys[0].cells[2]) && sys[1].cells[2] === 'No',
			JSON.stringify(sys));
		check('helpdesk look-up: the digests differ',
			sys.length === 2 && sys[0].digest !== '' && sys[0].digest !== sys[1].digest, JSON.stringify(sys));
		await inspect(page, '22-helpdesk-user');
		await click('form[action="/helpdesk/clear-lockout"] button[type=submit]', 'helpdesk clear-lockout');
		await h1Is(page, 'Done', 'helpdesk clear-lockout');
		await allChanged(page, 'helpdesk clear-lockout');
		await inspect(page, '23-helpdesk-result');

		// The drift report: FRED enrolled on PROD, not on DR, one button
		// to replicate him from PROD.
		await click('nav.hd a[href="/helpdesk/drift"]', 'helpdesk drift');
		await h1Is(page, 'Drift report', 'helpdesk drift');
		const heads = (await page.locator('table.data thead th').allTextContents()).map((t) => t.trim());
		check('helpdesk drift: a column per system',
			heads.join(',') === 'User ID,Drift,PROD,DR,Action', `columns: ${heads.join(',')}`);
		const drift = page.locator('table.data tbody tr');
		const ndrift = await drift.count();
		check('helpdesk drift: one row', ndrift === 1, `${ndrift} rows`);
		const row = drift.filter({ has: page.locator('th', { hasText: /^FRED$/ }) });
		const cells = (await row.locator('td').allTextContents()).map((t) => t.trim());
		check('helpdesk drift: FRED missing (not enrolled everywhere)', cells[0] === 'Not enrolled everywhere',
			`FRED's row: ${JSON.stringify(cells)}`);
		check('helpdesk drift: FRED enrolled on PROD, not on DR',
			/^Enrolled/.test(cells[1] ?? '') && cells[2] === 'Not enrolled', JSON.stringify(cells));
		const replicate = row.locator('form[action="/helpdesk/replicate"] button[type=submit]');
		check('helpdesk drift: the button replicates FRED from PROD',
			(await replicate.count()) === 1 &&
			(await row.locator('input[name=from]').getAttribute('value')) === 'PROD' &&
			(await row.locator('input[name=id]').getAttribute('value')) === 'FRED' &&
			(await replicate.textContent()).trim() === 'Replicate from PROD (FRED)',
			`button: ${await replicate.first().textContent().catch(() => 'none')}`);
		await row.scrollIntoViewIfNeeded();
		check('helpdesk drift: FRED\'s row and button are visible',
			(await row.isVisible()) && (await replicate.isVisible()), 'not visible');
		await inspect(page, '24-helpdesk-drift');
		await click('table.data tbody tr form[action="/helpdesk/replicate"] button[type=submit]',
			'helpdesk replicate');
		await h1Is(page, 'Done', 'helpdesk replicate');
		check('helpdesk replicate: the page says DR changed',
			(await page.locator('ul.outcomes li.ok').textContent().catch(() => '')).trim() === 'Changed on: DR',
			`outcomes: ${(await page.locator('ul.outcomes').textContent().catch(() => 'none')).trim()}`);
		check('helpdesk replicate: about FRED', (await page.locator('main p strong').first().textContent()) === 'FRED',
			'no FRED');
		await allChanged(page, 'helpdesk replicate', ['DR']);
		await inspect(page, '25-helpdesk-replicated');
		await click('main a.button[href="/helpdesk/drift"]', 'helpdesk drift again');
		await h1Is(page, 'Drift report', 'helpdesk drift again');
		check('helpdesk drift again: no drift reported',
			(await page.locator('table.data').count()) === 0 &&
			(await page.locator('main').textContent()).includes('Every enrolled user is enrolled alike on every system.'),
			'a drift table, or no "enrolled alike" text');
		check('helpdesk drift again: none counted',
			/With drift: 0\./.test(await page.locator('main').textContent()), 'no "With drift: 0."');
		await inspect(page, '26-helpdesk-no-drift');

		// FRED again: enrolled alike on both.
		await page.goto('/helpdesk/user?id=FRED');
		await h1Is(page, 'Look up a user', 'helpdesk look-up FRED again');
		sys = await systemRows();
		check('helpdesk look-up again: two systems, enrolled on both',
			sys.map((r) => r.name).join(',') === 'PROD,DR' && sys.every((r) => /^Yes/.test(r.cells[2])),
			JSON.stringify(sys));
		check('helpdesk look-up again: equal enrollment digests',
			sys.length === 2 && sys[0].digest !== '' && sys[0].digest === sys[1].digest, JSON.stringify(sys));
		const op = (await page.locator('table.data').nth(1).locator('tbody tr').first().locator('td')
			.allTextContents()).map((t) => t.trim());
		check('helpdesk look-up again: the replication, newest, by HELP01, DR done',
			op[1] === 'Replication' && op[2] === 'HELP01' && /DR: /.test(op[4] ?? '') && !/PROD/.test(op[4] ?? ''),
			`newest operation: ${JSON.stringify(op)}`);
		await inspect(page, '27-helpdesk-user-fixed');
		await click('nav.hd button[type=submit]', 'helpdesk sign-off');
		check('helpdesk sign-off: back on the sign-on page',
			new URL(page.url()).pathname === '/helpdesk', page.url());
		const gone = (await ctx.cookies()).find((c) => c.name === '__Host-hd' && c.value !== '');
		check('helpdesk sign-off: the cookie is gone', !gone, 'still set');
		resp = await page.goto('/helpdesk/drift');
		check('helpdesk after sign-off: the sign-on page again',
			new URL(page.url()).pathname === '/helpdesk', page.url());
		consoleCheck();
		await ctx.close();
	});
} catch (e) {
	fail('browser run', (e && e.stack) || String(e));
} finally {
	await browser.close().catch(() => {});
}
console.log(`browser: ${checks} checks, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
