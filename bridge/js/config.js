// SAK: wa-js's settings, set in the page's main world before the wa-js bundle runs (it reads
// window.WPPConfig once, as it loads). Its defaults are not ours: nothing of the shop's may
// reach a third party (no analytics, no link-preview servers), and the phone lists the linked
// device as the shop's agent, not as "WPPConnect". The request policy on the WhatsApp profile
// blocks any other host beneath this.
window.WPPConfig = {
  deviceName: 'SAK Desktop Agent',
  disableGoogleAnalytics: true,
  googleAnalyticsId: null,
  googleAnalyticsUserProperty: {},
  linkPreviewApiServers: [],
  poweredBy: null,
  sendStatusToDevice: false,
  syncAllStatus: false,
};
