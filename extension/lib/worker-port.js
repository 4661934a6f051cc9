/*
 * The port an extension page embedded in a web page (emptor's frame, the seller-message warning)
 * keeps to the service worker, the only way its state reaches it (nothing passes through the
 * page). A classic script: the page loads it before its own and calls
 * emptorLib.stayConnected.
 */
(function (root) {
  "use strict";

  /**
   * Connect on `portName` and call `onState(state)` for each state of type `messageType` the
   * worker sends; a state sent again with the same id (the worker repeats the state on screen to
   * a page that connects again) is not drawn again, so an open panel keeps its place. Returns
   * {send(message)}, for messages back on the port (dropped while there is none).
   */
  function stayConnected({ portName, messageType, onState }) {
    let port = null;
    let shownId = null;
    function connect() {
      try {
        port = chrome.runtime.connect({ name: portName });
      } catch {
        port = null; // the extension was reloaded or removed: nothing more will come
        return;
      }
      port.onMessage.addListener((message) => {
        if (!message || message.type !== messageType || !message.state || message.id === shownId) return;
        shownId = message.id;
        onState(message.state);
      });
      // The browser stops an idle service worker, which closes this port: connect again at once,
      // so that the worker (started for the connection) can reach this page when there is
      // something new to show.
      port.onDisconnect.addListener(() => {
        port = null;
        connect();
      });
    }
    // A page restored from the back-forward cache had its ports closed while it was stored.
    root.addEventListener("pageshow", (event) => {
      if (event.persisted && !port) connect();
    });
    connect();
    return {
      send(message) {
        if (port) port.postMessage(message);
      },
    };
  }

  root.emptorLib = Object.assign(root.emptorLib || {}, { stayConnected });
})(globalThis);
