// The iframe host page's bridge to Python. Flow Workbench injects it (after qwebchannel.js) into an isolated
// JavaScript world of the host page only: no page script, in the host or in any frame, can see it or `qt`.
// It forwards what the iframe's own window posts with window.parent.postMessage, in order, as (origin, data)
// with data as text: a string as it is, anything else JSON-encoded. Messages from any other window (a frame
// nested inside the iframe page, say) are dropped here and never reach Python.
(() => {
  'use strict';

  const content = () => document.getElementById('content');
  // Longer messages are cut to one character over the engine's limit: it still refuses them as too large,
  // without megabytes crossing to Python.
  const maxChars = () => Number(document.documentElement.dataset.maxChars) || Infinity;

  const waiting = [];
  let workbench = null;
  const call = (name, ...args) => {
    if (workbench) workbench[name](...args);
    else waiting.push([name, args]);
  };
  new QWebChannel(qt.webChannelTransport, (channel) => {
    workbench = channel.objects.workbench;
    for (const [name, args] of waiting.splice(0)) workbench[name](...args);
  });

  const asText = (data) => {
    if (typeof data === 'string') return data;
    try {
      const text = JSON.stringify(data);
      return text === undefined ? String(data) : text;
    } catch (error) {
      return String(data); // a cyclic object: the engine will refuse it as not JSON
    }
  };

  // At most this many messages, and characters of them, on their way to Python at once (the panel's own bounds on
  // what waits for the engine): what a page posts faster than the window takes it is dropped here, before it piles
  // up in the transport (3,000 messages of 64 KB took the app to 900 MB), and the number dropped is told once the
  // messages before them have arrived.
  const maxInFlight = 10000;
  const maxInFlightChars = 8 * 1024 * 1024;
  let inFlight = 0;
  let inFlightChars = 0;
  let dropped = 0;
  const sent = (size) => () => {
    inFlight -= 1;
    inFlightChars -= size;
    if (dropped && inFlight === 0) {
      call('dropped', dropped);
      dropped = 0;
    }
  };

  window.addEventListener('message', (event) => {
    const frame = content();
    if (!frame || event.source !== frame.contentWindow) return;
    const text = asText(event.data);
    const cut = text.length > maxChars() ? text.slice(0, maxChars()) : text;
    if (inFlight >= maxInFlight || inFlightChars + cut.length > maxInFlightChars) {
      dropped += 1;
      return;
    }
    inFlight += 1;
    inFlightChars += cut.length;
    call('post', String(event.origin), cut, sent(cut.length));
  });

  // Load events do not bubble and never reach window: listen on the document, capturing.
  document.addEventListener(
    'load',
    (event) => {
      if (event.target === content()) call('content_loaded', event.target.src);
    },
    true,
  );
})();
