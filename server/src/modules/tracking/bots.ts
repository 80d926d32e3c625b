/**
 * Known non-human user agents. A click from one is logged (reporting shows crawler traffic)
 * but never wins attribution. Three families:
 * - search and AI crawlers (Googlebot, bingbot, Slurp, GPTBot, …),
 * - link-preview fetchers of social apps and chat tools (facebookexternalhit, Slackbot,
 *   WhatsApp, …): they open every link pasted into a chat, before anyone clicks it,
 * - HTTP libraries and headless browsers (curl, python-requests, HeadlessChrome, …): a
 *   shopper's browser never announces itself that way, a script or a monitor does.
 * A missing or blank user agent counts as a bot too: every browser sends one.
 */
const NAMES = [
  // search engines
  'googlebot',
  'adsbot-google',
  'mediapartners-google',
  'storebot-google',
  'google-inspectiontool',
  'googleother',
  'feedfetcher-google',
  'apis-google',
  'bingbot',
  'bingpreview',
  'msnbot',
  'adidxbot',
  'slurp',
  'duckduckbot',
  'duckassistbot',
  'baiduspider',
  'yandex(?:bot|images|mobilebot|metrika|direct|accessibilitybot)',
  'sogou',
  'exabot',
  'seznambot',
  'petalbot',
  'applebot',
  'ia_archiver',
  'archive\\.org_bot',
  // link previews
  'facebookexternalhit',
  'facebookcatalog',
  'meta-externalagent',
  'twitterbot',
  'linkedinbot',
  'slackbot',
  'slack-imgproxy',
  'discordbot',
  'whatsapp',
  'telegrambot',
  'skypeuripreview',
  'pinterestbot',
  'redditbot',
  'embedly',
  'quora link preview',
  'vkshare',
  'viber',
  'snapchat',
  // SEO and AI crawlers
  'ahrefsbot',
  'semrushbot',
  'mj12bot',
  'dotbot',
  'bytespider',
  'gptbot',
  'chatgpt-user',
  'oai-searchbot',
  'claudebot',
  'claude-web',
  'ccbot',
  'perplexitybot',
  'amazonbot',
  'dataforseobot',
  'screaming frog',
  // libraries, headless browsers, monitors
  'curl/',
  'wget/',
  'python-requests',
  'python-urllib',
  'aiohttp',
  'python-httpx',
  'go-http-client',
  'java/',
  'okhttp',
  'node-fetch',
  'undici',
  'axios/',
  'libwww-perl',
  'scrapy',
  'headlesschrome',
  'phantomjs',
  'lighthouse',
  'pingdom',
  'uptimerobot',
  'statuscake',
];

/**
 * The names above, and any other self-declared robot: "bot", "crawler", "spider" as a word
 * ending (`SomeBot/1.0`, `my_crawler`), but not "Cubot" (an Android phone brand).
 */
const BOT = new RegExp(`${NAMES.join('|')}|(?<!cu)bot\\b|crawler|spider|scraper`, 'i');

export function isBot(userAgent: string | undefined): boolean {
  if (!userAgent || !userAgent.trim()) return true;
  return BOT.test(userAgent);
}
