import type { Page } from '@playwright/test';

/**
 * Layout checks that read what the browser laid out: things an admin would see as clipped,
 * cut off or unreadable, returned as readable descriptions (empty when all is well).
 */

/** Header children that overflow the app bar, overlap each other, or have their text cut off. */
export async function headerProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const bar = document.querySelector('header .MuiToolbar-root');
    if (!bar) return ['no app bar'];
    const barBox = bar.getBoundingClientRect();
    if (bar.scrollWidth > bar.clientWidth + 1) problems.push(`the app bar scrolls: ${bar.scrollWidth} > ${bar.clientWidth}`);
    const children = [...bar.children].filter((c) => c.getBoundingClientRect().width > 0);
    const name = (e: Element) =>
      e.getAttribute('data-testid') ?? e.querySelector('[data-testid]')?.getAttribute('data-testid') ?? e.className.toString().slice(0, 40);
    children.forEach((child, i) => {
      const box = child.getBoundingClientRect();
      if (box.left < barBox.left - 1 || box.right > barBox.right + 1)
        problems.push(
          `${name(child)} sticks out of the app bar (${Math.round(box.left)}–${Math.round(box.right)} of ${Math.round(barBox.left)}–${Math.round(barBox.right)})`,
        );
      const next = children[i + 1];
      if (next && next.getBoundingClientRect().left < box.right - 1) problems.push(`${name(child)} overlaps ${name(next)}`);
    });
    for (const e of bar.querySelectorAll<HTMLElement>('*')) {
      const style = getComputedStyle(e);
      // Skips the off-screen copy used for measuring and one-pixel screen-reader-only text.
      if (e.closest('[aria-hidden="true"], [inert]') || e.getBoundingClientRect().width <= 1) continue;
      if (style.overflow !== 'visible' && e.scrollWidth > e.clientWidth + 1 && e.textContent?.trim()) {
        problems.push(`text cut off in the app bar: "${e.textContent.trim().slice(0, 60)}" (${e.scrollWidth} > ${e.clientWidth})`);
      }
    }
    return problems;
  });
}

/** The screen wider than the window: its right-hand side (a table's last column, its buttons) out of sight. */
export async function sidewaysOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const main = document.getElementById('main-content') ?? document.querySelector('main');
    if (!main || main.scrollWidth <= main.clientWidth + 1) return [];
    const hidden = [...main.querySelectorAll('th, button, .MuiChip-root')].filter(
      (e) => e.getBoundingClientRect().right > main.getBoundingClientRect().right + 1,
    );
    return [
      `the screen scrolls sideways (${main.scrollWidth} > ${main.clientWidth}), hiding ${hidden.length} headers, buttons or chips, e.g. "${hidden[0]?.textContent?.trim().slice(0, 40) ?? ''}"`,
    ];
  });
}

/** Chips and data-grid column headers whose text is cut off (an ellipsis or a clipped label). */
export async function truncatedLabels(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.MuiChip-label, .MuiDataGrid-columnHeaderTitle, .MuiTab-root, .MuiButton-root')]
      .filter((e) => {
        const box = e.getBoundingClientRect();
        if (box.width === 0 || box.height === 0 || e.closest('[aria-hidden="true"], [inert]')) return false;
        return e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 2;
      })
      .map(
        (e) =>
          `"${e.textContent?.trim().slice(0, 60)}" (${e.className.toString().split(' ')[0]}: ${e.scrollWidth}×${e.scrollHeight} in ${e.clientWidth}×${e.clientHeight})`,
      ),
  );
}

/**
 * Text laid out one character per line: a text of two or more characters whose every line holds
 * a single character (a Chinese label squeezed into a column one glyph wide).
 */
export async function oneCharacterPerLine(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.replace(/\s+/g, '') ?? '';
      if ([...text].length < 2) continue;
      const parent = node.parentElement;
      if (!parent || parent.closest('[aria-hidden="true"], [inert]') || getComputedStyle(parent).visibility === 'hidden') continue;
      range.selectNodeContents(node);
      const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (lines.size >= 2 && lines.size >= [...text].length)
        found.push(`"${text.slice(0, 40)}" in ${lines.size} lines (${parent.tagName.toLowerCase()}.${parent.className.toString().split(' ')[0]})`);
    }
    return found;
  });
}
