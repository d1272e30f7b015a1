/**
 * The demo help center of "Lumen", a fictional invoicing and bookkeeping app for small businesses.
 * Written for Evergreen; article bodies are assembled from short hand-written parts per topic.
 */

export interface DemoProduct {
  key: string;
  name: string;
  releases: { version: string; daysAgo: number; notes: string; changes: { kind: 'added' | 'changed' | 'deprecated' | 'removed' | 'fixed' | 'security'; summary: string; featureKeys: string[] }[] }[];
}

export interface DemoCategory {
  key: string;
  parent?: string;
  names: Record<string, string>;
  description: string;
  reviewIntervalDays?: number;
}

export interface DemoArticle {
  category: string;
  title: string;
  products: string[];
  featureKeys: string[];
  tags: string[];
  steps: string[];
  note?: string;
  translations?: Record<string, string>;
  isInternal?: boolean;
}

export const DEMO_PRODUCTS: DemoProduct[] = [
  {
    key: 'lumen-web',
    name: 'Lumen for the web',
    releases: [
      {
        version: '4.2.0',
        daysAgo: 40,
        notes: 'Recurring invoices and a new export dialog.',
        changes: [
          { kind: 'added', summary: 'Recurring invoices can be paused and resumed', featureKeys: ['invoices.recurring'] },
          { kind: 'changed', summary: 'The export dialog moved to Reports > Export and offers XLSX', featureKeys: ['reports.export'] },
        ],
      },
      {
        version: '4.3.0',
        daysAgo: 6,
        notes: 'Two-factor authentication by authenticator app only; the classic PDF layout is gone.',
        changes: [
          { kind: 'removed', summary: 'SMS codes for two-factor authentication were removed; use an authenticator app', featureKeys: ['account.2fa'] },
          { kind: 'deprecated', summary: 'The classic invoice PDF layout is deprecated and will be removed in 4.4', featureKeys: ['invoices.pdf'] },
          { kind: 'fixed', summary: 'Bank feeds no longer duplicate pending transactions', featureKeys: ['banking.feeds'] },
        ],
      },
    ],
  },
  {
    key: 'lumen-mobile',
    name: 'Lumen mobile app',
    releases: [
      {
        version: '2.8.0',
        daysAgo: 20,
        notes: 'Receipt scanning with automatic currency detection.',
        changes: [{ kind: 'added', summary: 'Receipts are scanned with automatic currency detection', featureKeys: ['expenses.receipts'] }],
      },
    ],
  },
  {
    key: 'lumen-api',
    name: 'Lumen API',
    releases: [
      {
        version: '2025-10',
        daysAgo: 12,
        notes: 'API version 2025-10.',
        changes: [
          { kind: 'changed', summary: 'Webhook signatures now use HMAC-SHA256 in the Lumen-Signature header', featureKeys: ['api.webhooks'] },
          { kind: 'security', summary: 'API keys older than two years must be rotated', featureKeys: ['api.keys'] },
        ],
      },
    ],
  },
];

export const DEMO_CATEGORIES: DemoCategory[] = [
  { key: 'start', names: { en: 'Getting started', 'zh-CN': '入门', de: 'Erste Schritte' }, description: 'Set up Lumen for your business.' },
  { key: 'account', names: { en: 'Account and security', 'zh-CN': '账户与安全', de: 'Konto und Sicherheit' }, description: 'Sign-in, team members and security settings.', reviewIntervalDays: 90 },
  { key: 'billing', names: { en: 'Billing', 'zh-CN': '账单', de: 'Abrechnung' }, description: 'Invoices, payments and your Lumen subscription.' },
  { key: 'invoices', parent: 'billing', names: { en: 'Invoices', 'zh-CN': '发票', de: 'Rechnungen' }, description: 'Create, send and export invoices.' },
  { key: 'payments', parent: 'billing', names: { en: 'Payments', 'zh-CN': '付款', de: 'Zahlungen' }, description: 'Get paid online and reconcile payments.' },
  { key: 'reports', names: { en: 'Reports', 'zh-CN': '报表', de: 'Berichte' }, description: 'Profit and loss, tax and custom reports.' },
  { key: 'integrations', names: { en: 'Integrations and API', 'zh-CN': '集成与 API', de: 'Integrationen und API' }, description: 'Connect banks, shops and your own code.', reviewIntervalDays: 120 },
  { key: 'mobile', names: { en: 'Mobile app', 'zh-CN': '移动应用', de: 'Mobile App' }, description: 'Lumen on iOS and Android.' },
];

const web = ['lumen-web'];
const mobile = ['lumen-mobile'];
const api = ['lumen-api'];

export const DEMO_ARTICLES: DemoArticle[] = [
  { category: 'start', title: 'Create your Lumen account', products: web, featureKeys: ['account.signup'], tags: ['setup'], steps: ['Go to lumen.example and choose Start free trial.', 'Enter your business name and email address.', 'Confirm the email we send you.'], translations: { 'zh-CN': '创建 Lumen 账户', de: 'Lumen-Konto erstellen' } },
  { category: 'start', title: 'Set up your business profile', products: web, featureKeys: ['account.profile'], tags: ['setup'], steps: ['Open Settings > Business.', 'Add your legal name, address and tax number.', 'Upload your logo; it appears on invoices.'], translations: { 'zh-CN': '设置企业资料' } },
  { category: 'start', title: 'Invite your accountant', products: web, featureKeys: ['account.team'], tags: ['team'], steps: ['Open Settings > Team.', 'Choose Invite and enter the email address.', 'Pick the Accountant role.'] },
  { category: 'start', title: 'Import customers from a spreadsheet', products: web, featureKeys: ['customers.import'], tags: ['import', 'csv'], steps: ['Download the CSV template from Customers > Import.', 'Fill one customer per row.', 'Upload the file and check the preview.'], note: 'Files up to 5,000 rows are imported at once.' },
  { category: 'start', title: 'Choose your currency and tax settings', products: web, featureKeys: ['account.currency', 'tax.rates'], tags: ['setup', 'tax'], steps: ['Open Settings > Money.', 'Choose your home currency; it cannot change after the first invoice.', 'Add the tax rates you charge.'] },
  { category: 'start', title: 'Take the five-minute tour', products: web, featureKeys: [], tags: ['setup'], steps: ['Choose Help > Tour in the top bar.', 'Follow the highlighted buttons.'] },
  { category: 'start', title: 'Keyboard shortcuts', products: web, featureKeys: ['app.shortcuts'], tags: ['productivity'], steps: ['Press ? anywhere to see every shortcut.', 'Press N then I to start a new invoice.'] },
  { category: 'account', title: 'Turn on two-factor authentication', products: web, featureKeys: ['account.2fa'], tags: ['security', '2fa'], steps: ['Open Settings > Security.', 'Choose Two-factor authentication and pick SMS or an authenticator app.', 'Enter the six-digit code to confirm.'], translations: { 'zh-CN': '开启两步验证', de: 'Zwei-Faktor-Authentifizierung aktivieren' } },
  { category: 'account', title: 'Reset your password', products: web, featureKeys: ['account.password'], tags: ['password', 'sign-in'], steps: ['On the sign-in page choose Forgot password.', 'Enter your email address.', 'Open the link we send within an hour and choose a new password.'], translations: { 'zh-CN': '重置密码', de: 'Passwort zurücksetzen' } },
  { category: 'account', title: 'Change the email address you sign in with', products: web, featureKeys: ['account.email'], tags: ['sign-in'], steps: ['Open Settings > Profile.', 'Enter the new address and your password.', 'Confirm the change from the new mailbox.'] },
  { category: 'account', title: 'Roles and permissions for team members', products: web, featureKeys: ['account.team'], tags: ['team'], steps: ['Owners can do everything, including billing.', 'Accountants can read and export, but not delete.', 'Staff can create invoices and expenses.'] },
  { category: 'account', title: 'Sign out of every device', products: web, featureKeys: ['account.sessions'], tags: ['security'], steps: ['Open Settings > Security > Sessions.', 'Choose Sign out everywhere.'] },
  { category: 'account', title: 'Close your Lumen account', products: web, featureKeys: ['account.close'], tags: ['account'], steps: ['Export your data from Reports > Export first.', 'Open Settings > Subscription and choose Close account.'], note: 'Closed accounts are deleted after 90 days.' },
  { category: 'account', title: 'Security incident runbook (staff)', products: web, featureKeys: ['account.sessions'], tags: ['security', 'runbook'], steps: ['Revoke the sessions of the affected user.', 'Rotate their API keys.', 'Write the incident in the security log.'], isInternal: true },
  { category: 'billing', title: 'Change your Lumen plan', products: web, featureKeys: ['subscription.plan'], tags: ['subscription'], steps: ['Open Settings > Subscription.', 'Choose Change plan.', 'Upgrades apply at once; downgrades at the end of the period.'], translations: { 'zh-CN': '更改套餐' } },
  { category: 'billing', title: 'Update the card we charge', products: web, featureKeys: ['subscription.payment-method'], tags: ['subscription', 'card'], steps: ['Open Settings > Subscription > Payment method.', 'Enter the new card.'] },
  { category: 'billing', title: 'Download your Lumen receipts', products: web, featureKeys: ['subscription.receipts'], tags: ['subscription', 'pdf'], steps: ['Open Settings > Subscription > Receipts.', 'Choose Download next to a month.'] },
  { category: 'billing', title: 'Why was I charged twice?', products: web, featureKeys: ['subscription.charges'], tags: ['subscription', 'troubleshooting'], steps: ['A pending authorisation can look like a second charge.', 'It disappears within five working days.'] },
  { category: 'invoices', title: 'Create and send an invoice', products: web, featureKeys: ['invoices.create', 'invoices.send'], tags: ['invoices'], steps: ['Choose New > Invoice.', 'Pick the customer and add lines.', 'Choose Send; the customer gets a link and a PDF.'], translations: { 'zh-CN': '创建并发送发票', de: 'Rechnung erstellen und senden' } },
  { category: 'invoices', title: 'Download an invoice as PDF', products: web, featureKeys: ['invoices.pdf'], tags: ['invoices', 'pdf'], steps: ['Open the invoice.', 'Choose More > Download PDF.', 'Pick the classic or the modern layout.'], translations: { 'zh-CN': '下载 PDF 发票', de: 'Rechnung als PDF herunterladen' } },
  { category: 'invoices', title: 'Set up recurring invoices', products: web, featureKeys: ['invoices.recurring'], tags: ['invoices', 'automation'], steps: ['Open an invoice and choose Make recurring.', 'Choose how often and when to stop.'], note: 'Recurring invoices are sent at 08:00 in your time zone.' },
  { category: 'invoices', title: 'Add a discount to an invoice', products: web, featureKeys: ['invoices.discounts'], tags: ['invoices'], steps: ['Choose Add line > Discount.', 'Enter a percentage or an amount.'] },
  { category: 'invoices', title: 'Credit notes and refunds', products: web, featureKeys: ['invoices.credit-notes'], tags: ['invoices', 'refunds'], steps: ['Open the paid invoice.', 'Choose More > Credit note.', 'Choose whether to refund the money or keep a credit.'] },
  { category: 'invoices', title: 'Number invoices your way', products: web, featureKeys: ['invoices.numbering'], tags: ['invoices', 'settings'], steps: ['Open Settings > Invoices > Numbering.', 'Set the prefix and the next number.'] },
  { category: 'invoices', title: 'Send reminders for late invoices', products: web, featureKeys: ['invoices.reminders'], tags: ['invoices', 'automation'], steps: ['Open Settings > Invoices > Reminders.', 'Turn on reminders and choose the days.'] },
  { category: 'invoices', title: 'Invoice in another currency', products: web, featureKeys: ['invoices.currency'], tags: ['invoices', 'currency'], steps: ['Set the currency on the customer.', 'New invoices for that customer use it; the report converts at the day rate.'] },
  { category: 'payments', title: 'Get paid by card with Lumen Pay', products: web, featureKeys: ['payments.card'], tags: ['payments'], steps: ['Open Settings > Payments and connect Lumen Pay.', 'Invoices now show a Pay now button.'], translations: { 'zh-CN': '通过 Lumen Pay 收取银行卡付款' } },
  { category: 'payments', title: 'Record a payment by bank transfer', products: web, featureKeys: ['payments.record'], tags: ['payments', 'bank'], steps: ['Open the invoice and choose Record payment.', 'Enter the date and the amount received.'] },
  { category: 'payments', title: 'Match bank transactions to invoices', products: web, featureKeys: ['banking.reconcile'], tags: ['payments', 'bank'], steps: ['Open Banking > To match.', 'Accept the suggested match or search for the invoice.'] },
  { category: 'payments', title: 'Payment fees explained', products: web, featureKeys: ['payments.fees'], tags: ['payments', 'fees'], steps: ['Cards cost 1.4% + 0.25 per payment in Europe.', 'Fees are deducted before the payout.'] },
  { category: 'payments', title: 'When do payouts arrive?', products: web, featureKeys: ['payments.payouts'], tags: ['payments'], steps: ['Payouts are sent every working day.', 'They arrive within two working days.'] },
  { category: 'payments', title: 'Partial payments and deposits', products: web, featureKeys: ['payments.partial'], tags: ['payments', 'invoices'], steps: ['Record each part as its own payment.', 'The invoice stays open until it is paid in full.'] },
  { category: 'payments', title: 'Refund a card payment', products: web, featureKeys: ['payments.refunds'], tags: ['payments', 'refunds'], steps: ['Open the payment.', 'Choose Refund and the amount.'] },
  { category: 'reports', title: 'Read your profit and loss report', products: web, featureKeys: ['reports.profit-loss'], tags: ['reports'], steps: ['Open Reports > Profit and loss.', 'Choose the period and compare with the previous one.'], translations: { 'zh-CN': '查看损益表' } },
  { category: 'reports', title: 'Export reports to Excel', products: web, featureKeys: ['reports.export'], tags: ['reports', 'export'], steps: ['Open the report.', 'Choose Export > CSV.'] },
  { category: 'reports', title: 'Prepare your VAT return', products: web, featureKeys: ['tax.vat-return'], tags: ['reports', 'tax'], steps: ['Open Reports > VAT return.', 'Check the boxes and mark the period as filed.'] },
  { category: 'reports', title: 'Aged receivables: who owes you', products: web, featureKeys: ['reports.aged-receivables'], tags: ['reports', 'invoices'], steps: ['Open Reports > Aged receivables.', 'Sort by days overdue.'] },
  { category: 'reports', title: 'Build a custom report', products: web, featureKeys: ['reports.custom'], tags: ['reports'], steps: ['Open Reports > Custom.', 'Pick columns, filters and grouping.', 'Save it to find it again.'] },
  { category: 'reports', title: 'Close the books for a year', products: web, featureKeys: ['reports.year-end'], tags: ['reports', 'year-end'], steps: ['Open Reports > Year end.', 'Lock the period so nobody changes it.'] },
  { category: 'integrations', title: 'Connect your bank account', products: web, featureKeys: ['banking.feeds'], tags: ['bank', 'integrations'], steps: ['Open Banking > Connect.', 'Choose your bank and sign in there.', 'Transactions arrive every morning.'], translations: { 'zh-CN': '连接银行账户', de: 'Bankkonto verbinden' } },
  { category: 'integrations', title: 'Create an API key', products: api, featureKeys: ['api.keys'], tags: ['api'], steps: ['Open Settings > Developers.', 'Choose New API key and copy it; it is shown once.'] },
  { category: 'integrations', title: 'Receive webhooks from Lumen', products: api, featureKeys: ['api.webhooks'], tags: ['api', 'webhooks'], steps: ['Add your endpoint under Settings > Developers > Webhooks.', 'Check the Lumen-Signature header: an HMAC-SHA1 of the body with your secret.'] },
  { category: 'integrations', title: 'API rate limits', products: api, featureKeys: ['api.limits'], tags: ['api'], steps: ['Each key may make 10 requests per second.', 'Over the limit, the API answers 429 with Retry-After.'] },
  { category: 'integrations', title: 'Sync orders from your online shop', products: web, featureKeys: ['integrations.shop'], tags: ['integrations', 'shop'], steps: ['Open Apps and connect your shop.', 'Paid orders become paid invoices.'] },
  { category: 'integrations', title: 'Zapier and Make recipes', products: web, featureKeys: ['integrations.automation'], tags: ['integrations', 'automation'], steps: ['Search for Lumen in Zapier or Make.', 'Use the New invoice trigger.'] },
  { category: 'integrations', title: 'Paginate API lists', products: api, featureKeys: ['api.pagination'], tags: ['api'], steps: ['Lists return a next_cursor.', 'Pass it as cursor to get the next page.'] },
  { category: 'integrations', title: 'Test in the sandbox', products: api, featureKeys: ['api.sandbox'], tags: ['api', 'testing'], steps: ['Use keys starting with test_.', 'Sandbox data is reset every Sunday.'] },
  { category: 'mobile', title: 'Install the Lumen app', products: mobile, featureKeys: ['mobile.install'], tags: ['mobile'], steps: ['Get Lumen from the App Store or Google Play.', 'Sign in with your Lumen account.'], translations: { 'zh-CN': '安装 Lumen 应用' } },
  { category: 'mobile', title: 'Scan receipts with your phone', products: mobile, featureKeys: ['expenses.receipts'], tags: ['mobile', 'expenses'], steps: ['Tap + > Receipt.', 'Hold the receipt inside the frame.', 'Check the amount and choose a category.'] },
  { category: 'mobile', title: 'Send an invoice from your phone', products: mobile, featureKeys: ['invoices.send'], tags: ['mobile', 'invoices'], steps: ['Tap + > Invoice.', 'Add lines and tap Send.'] },
  { category: 'mobile', title: 'Track mileage', products: mobile, featureKeys: ['expenses.mileage'], tags: ['mobile', 'expenses'], steps: ['Tap + > Trip.', 'Start tracking before you drive.'] },
  { category: 'mobile', title: 'Use the app offline', products: mobile, featureKeys: ['mobile.offline'], tags: ['mobile'], steps: ['Invoices and receipts you create offline are kept on the phone.', 'They sync when you are back online.'] },
  { category: 'mobile', title: 'Turn on notifications for payments', products: mobile, featureKeys: ['mobile.notifications'], tags: ['mobile', 'payments'], steps: ['Open the app settings > Notifications.', 'Turn on Payment received.'] },
  { category: 'mobile', title: 'Face ID and fingerprint sign-in', products: mobile, featureKeys: ['account.biometrics'], tags: ['mobile', 'security'], steps: ['Open the app settings > Security.', 'Turn on biometric sign-in.'] },
  { category: 'reports', title: 'Cash flow forecast', products: web, featureKeys: ['reports.cash-flow'], tags: ['reports'], steps: ['Open Reports > Cash flow.', 'Lumen projects open invoices and recurring bills.'] },
  { category: 'invoices', title: 'Quotes and estimates', products: web, featureKeys: ['invoices.quotes'], tags: ['invoices', 'quotes'], steps: ['Choose New > Quote.', 'When the customer accepts, convert it into an invoice.'] },
  { category: 'billing', title: 'Tax on your Lumen subscription', products: web, featureKeys: ['subscription.tax'], tags: ['subscription', 'tax'], steps: ['Add your VAT number in Settings > Subscription.', 'Receipts then show reverse charge.'] },
  { category: 'start', title: 'Move from another accounting app', products: web, featureKeys: ['customers.import', 'reports.opening-balances'], tags: ['import', 'setup'], steps: ['Export customers, products and open invoices from the old app.', 'Import them in Lumen.', 'Enter opening balances under Reports > Opening balances.'] },
  { category: 'billing', title: 'Pause your subscription', products: web, featureKeys: ['subscription.pause'], tags: ['subscription'], steps: ['Open Settings > Subscription.', 'Choose Pause for up to three months; your data stays.'] },
  { category: 'account', title: 'Single sign-on with Google', products: web, featureKeys: ['account.sso'], tags: ['sign-in', 'security'], steps: ['On the sign-in page choose Continue with Google.', 'Owners can require Google sign-in for the whole team.'] },
];

/** A short Markdown body: an introduction, the steps and an optional note. */
export function demoBody(article: DemoArticle, revision: number): string {
  const intro = `This article explains how to ${article.title.charAt(0).toLowerCase()}${article.title.slice(1).replace(/\?$/, '')} in Lumen.`;
  const steps = article.steps.map((step, index) => `${index + 1}. ${step}`).join('\n');
  const note = article.note ? `\n\n> **Note:** ${article.note}` : '';
  const extra = revision > 1 ? `\n\n## Still stuck?\n\nWrite to support from Help > Contact us${revision > 2 ? ' and include a screenshot' : ''}.` : '';
  return `${intro}\n\n## Steps\n\n${steps}${note}${extra}\n`;
}

export function demoTranslationBody(title: string, locale: string): string {
  return locale === 'de' ? `# ${title}\n\nDiese Anleitung zeigt die Schritte in Lumen.\n` : `# ${title}\n\n本文介绍在 Lumen 中的操作步骤。\n`;
}
