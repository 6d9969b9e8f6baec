import type { Page } from 'playwright-core';

/** Escalates from the inbox's form (the page must be on /app/inbox); resolves with the approval id. */
export async function escalate(page: Page, input: { title: string; priority?: 'low' | 'medium' | 'high' | 'urgent'; description?: string; conversation?: string }): Promise<string> {
  if (input.conversation !== undefined) await page.getByLabel('Conversation').fill(input.conversation);
  await page.getByLabel('Title').fill(input.title);
  await page.getByLabel('What the CEO needs to know').fill(input.description ?? 'Context for the CEO.');
  await page.getByLabel('Priority').selectOption(input.priority ?? 'high');
  const [response] = await Promise.all([
    page.waitForResponse((candidate) => candidate.url().endsWith('/api/approvals') && candidate.request().method() === 'POST'),
    page.getByTestId('escalate').click(),
  ]);
  if (response.status() !== 201) throw new Error(`escalation answered ${response.status()}: ${await response.text()}`);
  const body = (await response.json()) as { id: string };
  await page.getByTestId('escalation-done').waitFor();
  return body.id;
}
