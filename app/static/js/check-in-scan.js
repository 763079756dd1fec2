// The check-in desk's scanner: the tablet's camera reads an admission ticket's QR code with jsQR
// (static/vendor/jsqr) and posts its text in the scan form, as if typed. Without a camera (or
// without permission) the button stays hidden or says so, and typing the bib still works.
(function () {
  "use strict";
  var form = document.getElementById("scan-form");
  var button = document.getElementById("scan-camera");
  var video = document.getElementById("scan-video");
  var status = document.getElementById("scan-status");
  if (!form || !button || !video || !window.jsQR || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;
  var MAX_WIDTH = 960; // frames are scaled down to this: enough for a ticket's QR, light on the CPU

  function stop() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    video.hidden = true;
    button.textContent = button.getAttribute("data-start");
  }

  function look() {
    if (!stream) { return; }
    if (video.readyState >= 2 && video.videoWidth) {
      var scale = Math.min(1, MAX_WIDTH / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var frame = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" });
      if (code && code.data) {
        stop();
        form.elements.ticket.value = code.data;
        form.submit();
        return;
      }
    }
    window.setTimeout(look, 150);
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    if (stream) { stop(); return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        button.textContent = button.getAttribute("data-stop");
        return video.play();
      })
      .then(look)
      .catch(function () {
        stop();
        status.textContent = button.getAttribute("data-denied");
      });
  });
})();
