// The explorer's code: the network's arithmetic, MNIST-style normalisation of a drawing,
// and the page's panels. Conventions are those of the mnistnn package:
//   W1 is 784 x H, W2 is H x 10 (row-major), v1 has H values, v2 has 10;
//   an input is 784 pixels scaled as pixel / 255 * 0.99 + 0.01, row by row;
//   hidden = sigmoid(x W1 - v1), output = sigmoid(hidden W2 - v2);
//   pictures draw a value v as grey round(255 * (1 - v)): dark = high.
"use strict";

(function () {
  const SIDE = 28;
  const N_INPUTS = SIDE * SIDE;
  const N_OUTPUTS = 10;
  const LOW = 0.01;
  const HIGH = 0.99;
  // MNIST's digits fit in a 20 x 20 box, centred in the 28 x 28 field by centre of mass
  const BOX = 20;
  // whole-pixel shifts bring the centre of mass into [13.5, 14.5) on each axis (pixel centres
  // at 0..27), where it lies for every one of MNIST's 10,000 test digits
  const MASS_CENTRE_LOW = 13.5;
  // stroke width of a drawing, in pixels of the 28 x 28 field: about MNIST's pen
  const BRUSH = 2.6;

  // ---- the embedded data ----------------------------------------------------------------

  const data = JSON.parse(document.getElementById("explorer-data").textContent);

  function decode(base64, ArrayType) {
    const text = atob(base64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    // the page is little-endian data; every browser this runs in is little-endian too
    return new ArrayType(bytes.buffer);
  }

  // A parameter array as float64, from float32 (exact: every float32 is a float64) or float64.
  function decodeParameters(array) {
    if (array.dtype === "float64") return decode(array.data, Float64Array);
    return Float64Array.from(decode(array.data, Float32Array));
  }

  const H = data.hidden_nodes;
  const W1 = decodeParameters(data.W1);
  const W2 = decodeParameters(data.W2);
  const v1 = decodeParameters(data.v1);
  const v2 = decodeParameters(data.v2);
  const methods = data.methods.map((m) => ({
    name: m.name,
    grey: decode(m.grey, Uint8Array),
    scores: m.scores,
  }));

  // ---- the network's arithmetic (mnistnn.network, mnistnn.backquery) ----------------------

  function sigmoid(z) {
    return 1 / (1 + Math.exp(-z));
  }

  function logit(p) {
    return Math.log(p / (1 - p));
  }

  // Map values linearly onto [0.01, 0.99] in the book's order of operations: subtract the
  // minimum, divide by the new maximum, times 0.98, plus 0.01 (mnistnn.backquery.rescale).
  function rescale(values, layer) {
    let min = Infinity;
    let largest = 0;
    for (const v of values) {
      if (v < min) min = v;
      if (Math.abs(v) > largest) largest = Math.abs(v);
    }
    const rounding = 16 * Number.EPSILON * largest;
    const shifted = values.map((v) => v - min);
    let span = -Infinity;
    for (const v of shifted) if (v > span) span = v;
    if (!(Number.isFinite(span) && span > rounding)) {
      throw new Error(
        `${layer} layer is degenerate: all its values are equal, so it cannot be rescaled`
      );
    }
    return shifted.map((v) => (v / span) * 0.98 + 0.01);
  }

  function checkLength(values, length, what) {
    if (!values || values.length !== length) {
      throw new Error(`${what}: expected ${length} numbers, got ${values ? values.length : 0}`);
    }
    const numbers = Float64Array.from(values, Number);
    if (!numbers.every(Number.isFinite)) throw new Error(`${what}: every value must be a number`);
    return numbers;
  }

  // Rashid's backquery of a label (10 values strictly between 0 and 1): the 784 values of
  // the seed image, in [0.01, 0.99], as mnistnn.backquery.seed computes them.
  function backquery(label) {
    const target = checkLength(label, N_OUTPUTS, "backquery label");
    if (!target.every((t) => t > 0 && t < 1)) {
      throw new Error("backquery label: every value must lie strictly between 0 and 1");
    }
    const finalInputs = target.map((t, k) => logit(t) + v2[k]);
    const hiddenRaw = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      let sum = 0;
      for (let k = 0; k < N_OUTPUTS; k++) sum += finalInputs[k] * W2[j * N_OUTPUTS + k];
      hiddenRaw[j] = sum;
    }
    const hiddenInputs = rescale(hiddenRaw, "hidden").map((h, j) => logit(h) + v1[j]);
    const imageRaw = new Float64Array(N_INPUTS);
    for (let i = 0; i < N_INPUTS; i++) {
      let sum = 0;
      const row = i * H;
      for (let j = 0; j < H; j++) sum += hiddenInputs[j] * W1[row + j];
      imageRaw[i] = sum;
    }
    return rescale(imageRaw, "input");
  }

  // The network's ten outputs for 784 inputs (scaled like pixel / 255 * 0.99 + 0.01).
  function forward(inputs) {
    const x = checkLength(inputs, N_INPUTS, "forward inputs");
    const hidden = new Float64Array(H);
    for (let i = 0; i < N_INPUTS; i++) {
      const xi = x[i];
      const row = i * H;
      for (let j = 0; j < H; j++) hidden[j] += xi * W1[row + j];
    }
    for (let j = 0; j < H; j++) hidden[j] = sigmoid(hidden[j] - v1[j]);
    const output = new Float64Array(N_OUTPUTS);
    for (let j = 0; j < H; j++) {
      for (let k = 0; k < N_OUTPUTS; k++) output[k] += hidden[j] * W2[j * N_OUTPUTS + k];
    }
    return output.map((o, k) => sigmoid(o - v2[k]));
  }

  function scalePixels(pixels) {
    return Float64Array.from(pixels, (p) => (p / 255) * 0.99 + 0.01);
  }

  function labelVector(digit) {
    return Array.from({ length: N_OUTPUTS }, (_, k) => (k === digit ? HIGH : LOW));
  }

  function argmax(values) {
    let best = 0;
    for (let k = 1; k < values.length; k++) if (values[k] > values[best]) best = k;
    return best;
  }

  // ---- normalising a raster the way MNIST was made ---------------------------------------

  // The ink's bounding box of a raster (row by row), or null when it has no ink.
  function inkBox(pixels, width, height) {
    let top = height;
    let bottom = -1;
    let left = width;
    let right = -1;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (pixels[y * width + x] > 0) {
          if (y < top) top = y;
          if (y > bottom) bottom = y;
          if (x < left) left = x;
          if (x > right) right = x;
        }
      }
    }
    return bottom < 0 ? null : { left, top, width: right - left + 1, height: bottom - top + 1 };
  }

  // Weights of an area-averaging resampling of n source pixels onto m target pixels:
  // target pixel t covers source interval [t n/m, (t+1) n/m); returns, per target pixel,
  // a list of [source index, weight] with weights summing to 1.
  function areaWeights(n, m) {
    const weights = [];
    const step = n / m;
    for (let t = 0; t < m; t++) {
      const start = t * step;
      const end = (t + 1) * step;
      const parts = [];
      for (let s = Math.floor(start); s < Math.min(n, Math.ceil(end)); s++) {
        const overlap = Math.min(end, s + 1) - Math.max(start, s);
        if (overlap > 0) parts.push([s, overlap / step]);
      }
      weights.push(parts);
    }
    return weights;
  }

  // Resample a box of a raster to width x height by area averaging (anti-aliased).
  function resampleBox(pixels, rasterWidth, box, width, height) {
    const across = areaWeights(box.width, width);
    const down = areaWeights(box.height, height);
    const rows = new Float64Array(box.height * width);
    for (let y = 0; y < box.height; y++) {
      const source = (box.top + y) * rasterWidth + box.left;
      for (let x = 0; x < width; x++) {
        let sum = 0;
        for (const [s, w] of across[x]) sum += pixels[source + s] * w;
        rows[y * width + x] = sum;
      }
    }
    const result = new Float64Array(width * height);
    for (let y = 0; y < height; y++) {
      for (const [s, w] of down[y]) {
        for (let x = 0; x < width; x++) result[y * width + x] += rows[s * width + x] * w;
      }
    }
    return result;
  }

  // MNIST's normalisation of a raster of ink (pixel values 0..255, row by row): returns the
  // 784 whole pixels 0..255 of a 28 x 28 image.
  //   1. Size: the ink's bounding box is resampled by area averaging so that its longer side
  //      is 20 pixels, keeping its aspect ratio. A 28 x 28 raster whose ink already fits in
  //      20 x 20 is MNIST-sized and keeps its pixels as they are.
  //   2. Place: the box is put in the middle of the 28 x 28 field, then shifted by whole
  //      pixels (which do not blur) until the centre of mass lies in [13.5, 14.5) on each axis.
  // So a digit of MNIST itself passes through unchanged.
  function normalise(pixels, width, height) {
    const field = new Float64Array(N_INPUTS);
    const box = inkBox(pixels, width, height);
    if (!box) return field;
    let ink;
    let boxWidth = box.width;
    let boxHeight = box.height;
    let left;
    let top;
    if (width === SIDE && height === SIDE && box.width <= BOX && box.height <= BOX) {
      ink = Float64Array.from(pixels);
      left = 0;
      top = 0;
      boxWidth = SIDE;
      boxHeight = SIDE;
    } else {
      const scale = BOX / Math.max(box.width, box.height);
      boxWidth = Math.max(1, Math.min(BOX, Math.round(box.width * scale)));
      boxHeight = Math.max(1, Math.min(BOX, Math.round(box.height * scale)));
      ink = resampleBox(pixels, width, box, boxWidth, boxHeight).map((v) =>
        Math.min(255, Math.max(0, Math.round(v)))
      );
      left = Math.floor((SIDE - boxWidth) / 2);
      top = Math.floor((SIDE - boxHeight) / 2);
    }
    let mass = 0;
    let massX = 0;
    let massY = 0;
    for (let y = 0; y < boxHeight; y++) {
      for (let x = 0; x < boxWidth; x++) {
        const v = ink[y * boxWidth + x];
        mass += v;
        massX += v * (left + x);
        massY += v * (top + y);
      }
    }
    if (mass === 0) return field;
    const shiftX = Math.ceil(MASS_CENTRE_LOW - massX / mass);
    const shiftY = Math.ceil(MASS_CENTRE_LOW - massY / mass);
    for (let y = 0; y < boxHeight; y++) {
      for (let x = 0; x < boxWidth; x++) {
        const fx = left + x + shiftX;
        const fy = top + y + shiftY;
        // a shift never pushes ink out: it moves the centre of mass by less than a pixel
        // beyond the field's centre, and the ink fits in 20 x 20
        if (fx >= 0 && fx < SIDE && fy >= 0 && fy < SIDE) field[fy * SIDE + fx] = ink[y * boxWidth + x];
      }
    }
    return field;
  }

  // Rasterise strokes (lists of [x, y] points, any unit) as round-capped anti-aliased lines.
  // The line width is chosen relative to the drawing's size so that, once normalisation
  // has fitted it in 20 x 20, the strokes are BRUSH pixels wide whatever size it was drawn.
  function rasteriseStrokes(strokes) {
    const points = strokes.flat();
    if (points.length === 0) return { pixels: new Float64Array(0), width: 0, height: 0 };
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    const minX = Math.min(...xs);
    const minY = Math.min(...ys);
    const spanX = Math.max(...xs) - minX;
    const spanY = Math.max(...ys) - minY;
    // a dot has no extent: give it one unit, so that it is drawn as a round blob
    const size = Math.max(spanX, spanY, 1);
    const lineWidth = (BRUSH * size) / (BOX - BRUSH);
    const zoom = 280 / (size + lineWidth); // about ten raster pixels per field pixel
    const width = Math.ceil((spanX + lineWidth) * zoom) + 2;
    const height = Math.ceil((spanY + lineWidth) * zoom) + 2;
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d", { willReadFrequently: true });
    context.lineWidth = lineWidth * zoom;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#000";
    context.fillStyle = "#000";
    const at = (p) => [(p[0] - minX + lineWidth / 2) * zoom + 1, (p[1] - minY + lineWidth / 2) * zoom + 1];
    for (const stroke of strokes) {
      if (stroke.length === 0) continue;
      context.beginPath();
      if (stroke.length === 1) {
        const [x, y] = at(stroke[0]);
        context.arc(x, y, (lineWidth * zoom) / 2, 0, 2 * Math.PI);
        context.fill();
        continue;
      }
      context.moveTo(...at(stroke[0]));
      for (const point of stroke.slice(1)) context.lineTo(...at(point));
      context.stroke();
    }
    const rgba = context.getImageData(0, 0, width, height).data;
    // the ink is black on transparent, so its opacity is the pixel value, 0..255
    const pixels = new Float64Array(width * height);
    for (let i = 0; i < pixels.length; i++) pixels[i] = rgba[4 * i + 3];
    return { pixels, width, height };
  }

  function strokesToField(strokes) {
    const raster = rasteriseStrokes(strokes);
    return normalise(raster.pixels, raster.width, raster.height);
  }

  // ---- drawing -----------------------------------------------------------------------

  function greyOf(value) {
    return Math.round(255 * (1 - Math.min(1, Math.max(0, value))));
  }

  // Draw 784 grey levels (0 black .. 255 white) on a 28 x 28 canvas.
  function paintGrey(canvas, greys) {
    const context = canvas.getContext("2d");
    const picture = context.createImageData(SIDE, SIDE);
    for (let i = 0; i < N_INPUTS; i++) picture.data.set([greys[i], greys[i], greys[i], 255], 4 * i);
    context.putImageData(picture, 0, 0);
  }

  // Draw 784 values in [0, 1] as MNIST greys (dark = high).
  function paintImage(canvas, values) {
    paintGrey(canvas, Array.from(values, greyOf));
  }

  // Draw weights on a red (positive) / white / blue (negative) scale, symmetric per image.
  function paintWeights(canvas, values) {
    let largest = 0;
    for (const v of values) largest = Math.max(largest, Math.abs(v));
    const context = canvas.getContext("2d");
    const picture = context.createImageData(SIDE, SIDE);
    for (let i = 0; i < N_INPUTS; i++) {
      const t = largest > 0 ? values[i] / largest : 0;
      const fade = Math.round(255 * (1 - Math.abs(t)));
      const colour = t >= 0 ? [255, fade, fade] : [fade, fade, 255];
      picture.data.set([...colour, 255], 4 * i);
    }
    context.putImageData(picture, 0, 0);
  }

  function element(tag, attributes = {}, text = "") {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text) node.textContent = text;
    return node;
  }

  // Ten labelled bars for values in [0, 1] (or signed weights, centred, when signed).
  function makeBars(container, label) {
    const bars = [];
    for (let k = 0; k < N_OUTPUTS; k++) {
      const row = element("div", { class: "bar-row" });
      row.append(element("span", { class: "bar-label" }, String(k)));
      const track = element("span", { class: "bar-track" });
      const fill = element("span", { class: "bar-fill" });
      track.append(fill);
      const number = element("span", { class: "bar-value" });
      row.append(track, number);
      container.append(row);
      bars.push({ row, fill, number });
    }
    container.setAttribute("aria-label", label);
    return bars;
  }

  function showBars(bars, values, { signed = false } = {}) {
    const largest = signed ? Math.max(...values.map(Math.abs), 1e-12) : 1;
    const best = argmax(values);
    values.forEach((v, k) => {
      const bar = bars[k];
      if (signed) {
        const half = (50 * Math.abs(v)) / largest;
        bar.fill.style.left = `${v >= 0 ? 50 : 50 - half}%`;
        bar.fill.style.width = `${half}%`;
        bar.fill.classList.toggle("negative", v < 0);
        bar.fill.classList.toggle("positive", v >= 0);
      } else {
        bar.fill.style.left = "0";
        bar.fill.style.width = `${100 * v}%`;
      }
      bar.number.textContent = v.toFixed(signed ? 3 : 2);
      bar.row.classList.toggle("best", !signed && k === best && v > 0);
    });
  }

  // ---- backwards panel ----------------------------------------------------------------

  const state = { label: labelVector(0), image: null, drawnField: null, drawnOutputs: null };
  const backqueryCanvas = document.getElementById("backquery-image");
  const backqueryError = document.getElementById("backquery-error");
  const backqueryBars = makeBars(document.getElementById("backquery-bars"), "Outputs for the image");
  const sliders = [];

  function describeLabel(label) {
    const named = label.map((v, k) => [v, k]).filter(([v]) => v > 0.5);
    if (named.length === 1 && label.every((v, k) => k === named[0][1] || v <= LOW)) {
      return `Backquery image of a ${named[0][1]}`;
    }
    return `Backquery image of (${label.map((v) => v.toFixed(2)).join(", ")})`;
  }

  function showMethods(digit) {
    document.getElementById("methods-digit").textContent = String(digit);
    for (const method of methods) {
      paintGrey(method.canvas, method.grey.subarray(digit * N_INPUTS, (digit + 1) * N_INPUTS));
      const score = method.scores ? method.scores[digit] : null;
      if (!score) {
        method.caption.textContent =
          method.name === "mean" ? "reference: the digit's average training image" : "not scored";
        continue;
      }
      const parts = [`output ${score.target_output.toFixed(2)}`];
      if (score.self_recognized) parts.push("network ✓");
      if (score.knn_recognized) parts.push("k-NN ✓");
      // each part on one line: "k-NN ✓" must not break at its hyphen
      method.caption.replaceChildren(
        ...parts.flatMap((part, i) => [i ? " · " : "", element("span", { class: "nowrap" }, part)])
      );
    }
  }

  function updateBackquery() {
    try {
      const image = backquery(state.label);
      state.image = image;
      backqueryError.hidden = true;
      paintImage(backqueryCanvas, image);
      showBars(backqueryBars, Array.from(forward(image)));
      document.getElementById("backquery-caption").textContent = describeLabel(state.label);
    } catch (error) {
      state.image = null;
      backqueryError.textContent = error.message;
      backqueryError.hidden = false;
    }
    showMethods(argmax(state.label));
  }

  function setLabel(label) {
    state.label = Array.from(label);
    state.label.forEach((v, k) => {
      sliders[k].input.value = String(v);
      sliders[k].number.textContent = v.toFixed(2);
    });
    updateBackquery();
  }

  function buildSliders() {
    const container = document.getElementById("sliders");
    for (let k = 0; k < N_OUTPUTS; k++) {
      const id = `slider-${k}`;
      const row = element("div", { class: "slider-row" });
      const label = element("label", { for: id }, `digit ${k}`);
      const input = element("input", {
        type: "range",
        id,
        min: String(LOW),
        max: String(HIGH),
        step: "0.01",
        "aria-label": `How much the output for digit ${k} should be on`,
      });
      const number = element("output", { for: id, class: "slider-value" });
      input.addEventListener("input", () => {
        state.label[k] = Number(input.value);
        number.textContent = state.label[k].toFixed(2);
        updateBackquery();
      });
      row.append(label, input, number);
      container.append(row);
      sliders.push({ input, number });
    }
  }

  function buildPresets() {
    const container = document.getElementById("presets");
    const add = (text, name, label) => {
      const button = element("button", { type: "button", "aria-label": name }, text);
      button.addEventListener("click", () => setLabel(label));
      container.append(button);
    };
    for (let digit = 0; digit < N_OUTPUTS; digit++) {
      add(String(digit), `Preset: ${digit}`, labelVector(digit));
    }
    for (const query of data.queries) add(query.name, `Preset: ${query.name}`, query.label);
  }

  function buildMethods() {
    const container = document.getElementById("methods");
    for (const method of methods) {
      const figure = element("figure", { class: "method" });
      method.canvas = element("canvas", {
        width: String(SIDE),
        height: String(SIDE),
        role: "img",
        "aria-label": `Image of method ${method.name}`,
      });
      const title = element("figcaption", {}, method.name);
      method.caption = element("p", { class: "score" });
      figure.append(method.canvas, title, method.caption);
      container.append(figure);
    }
  }

  // ---- forwards panel ------------------------------------------------------------------

  const pad = document.getElementById("pad");
  const padContext = pad.getContext("2d");
  const drawnCanvas = document.getElementById("drawn-image");
  const forwardBars = makeBars(document.getElementById("forward-bars"), "The network's outputs");
  const strokes = []; // each a list of [x, y] in pad pixels (the canvas's own 280 x 280)
  let pendingFrame = 0;

  function padPoint(event) {
    const rect = pad.getBoundingClientRect();
    return [
      ((event.clientX - rect.left) / rect.width) * pad.width,
      ((event.clientY - rect.top) / rect.height) * pad.height,
    ];
  }

  function paintPad() {
    padContext.fillStyle = "#fff";
    padContext.fillRect(0, 0, pad.width, pad.height);
    padContext.strokeStyle = "#000";
    padContext.fillStyle = "#000";
    padContext.lineWidth = 18;
    padContext.lineCap = "round";
    padContext.lineJoin = "round";
    for (const stroke of strokes) {
      padContext.beginPath();
      if (stroke.length === 1) {
        padContext.arc(stroke[0][0], stroke[0][1], 9, 0, 2 * Math.PI);
        padContext.fill();
        continue;
      }
      padContext.moveTo(...stroke[0]);
      for (const point of stroke.slice(1)) padContext.lineTo(...point);
      padContext.stroke();
    }
  }

  function updateForward() {
    pendingFrame = 0;
    paintPad();
    const sendBack = document.getElementById("send-back");
    const prediction = document.getElementById("prediction");
    if (strokes.length === 0) {
      state.drawnField = null;
      state.drawnOutputs = null;
      paintImage(drawnCanvas, new Float64Array(N_INPUTS));
      showBars(forwardBars, new Array(N_OUTPUTS).fill(0));
      prediction.textContent = "nothing drawn yet";
      sendBack.disabled = true;
      return;
    }
    const field = strokesToField(strokes);
    const outputs = forward(scalePixels(field));
    state.drawnField = field;
    state.drawnOutputs = outputs;
    paintImage(drawnCanvas, field.map((p) => p / 255));
    showBars(forwardBars, Array.from(outputs));
    const best = argmax(outputs);
    prediction.textContent = `${best} (output ${outputs[best].toFixed(2)})`;
    sendBack.disabled = false;
  }

  function scheduleForward() {
    if (!pendingFrame) pendingFrame = requestAnimationFrame(updateForward);
  }

  function buildPad() {
    let drawing = null;
    pad.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      pad.setPointerCapture(event.pointerId);
      drawing = [padPoint(event)];
      strokes.push(drawing);
      scheduleForward();
    });
    pad.addEventListener("pointermove", (event) => {
      if (!drawing) return;
      const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
      for (const each of events.length ? events : [event]) drawing.push(padPoint(each));
      scheduleForward();
    });
    const finish = () => {
      if (!drawing) return;
      drawing = null;
      if (pendingFrame) cancelAnimationFrame(pendingFrame);
      updateForward(); // at once, so that the result is there when the stroke ends
    };
    pad.addEventListener("pointerup", finish);
    pad.addEventListener("pointercancel", finish);
    document.getElementById("clear").addEventListener("click", () => {
      strokes.length = 0;
      updateForward();
    });
    document.getElementById("send-back").addEventListener("click", () => {
      if (!state.drawnOutputs) return;
      // the outputs may round to 0 or 1, whose logit is infinite: keep them in the sliders' range
      setLabel(Array.from(state.drawnOutputs, (o) => Math.min(HIGH, Math.max(LOW, o))));
      document.getElementById("backwards").scrollIntoView();
    });
  }

  // ---- hidden units panel ---------------------------------------------------------------

  function unitWeights(j) {
    const weights = new Float64Array(N_INPUTS);
    for (let i = 0; i < N_INPUTS; i++) weights[i] = W1[i * H + j];
    return weights;
  }

  const unitBars = makeBars(document.getElementById("unit-bars"), "Weights to the outputs");

  function selectUnit(j) {
    paintWeights(document.getElementById("unit-image"), unitWeights(j));
    const toOutputs = Array.from({ length: N_OUTPUTS }, (_, k) => W2[j * N_OUTPUTS + k]);
    showBars(unitBars, toOutputs, { signed: true });
    document.getElementById("unit-caption").textContent =
      `Hidden unit ${j + 1} of ${H}: threshold v1 = ${v1[j].toFixed(3)}. ` +
      "Its weights to the ten outputs (right: it votes for the digit, left: against):";
    for (const tile of document.querySelectorAll("#units button")) {
      const chosen = Number(tile.dataset.unit) === j;
      tile.setAttribute("aria-pressed", String(chosen));
      tile.tabIndex = chosen ? 0 : -1;
    }
  }

  // Tiles in a row of the grid as laid out now (it depends on the screen's width).
  function tilesPerRow(tiles) {
    const top = tiles[0].offsetTop;
    const index = tiles.findIndex((tile) => tile.offsetTop !== top);
    return index < 0 ? tiles.length : index;
  }

  // One tab stop for the whole grid (the chosen tile); arrow keys, Home and End move within it.
  function moveInGrid(event, tiles, j) {
    const row = tilesPerRow(tiles);
    const moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -row, ArrowDown: row };
    let next;
    if (event.key in moves) next = j + moves[event.key];
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = H - 1;
    else return;
    event.preventDefault();
    if (next < 0 || next >= H) return;
    selectUnit(next);
    tiles[next].focus();
  }

  function buildUnits() {
    const container = document.getElementById("units");
    const tiles = [];
    for (let j = 0; j < H; j++) {
      const button = element("button", {
        type: "button",
        class: "unit",
        "data-unit": String(j),
        "aria-label": `Hidden unit ${j + 1}`,
        "aria-pressed": "false",
        tabindex: "-1",
      });
      const canvas = element("canvas", { width: String(SIDE), height: String(SIDE) });
      paintWeights(canvas, unitWeights(j));
      button.append(canvas);
      button.addEventListener("click", () => selectUnit(j));
      button.addEventListener("keydown", (event) => moveInGrid(event, tiles, j));
      tiles.push(button);
    }
    container.append(...tiles);
    selectUnit(0);
  }

  // ---- start -------------------------------------------------------------------------

  document.getElementById("title").textContent =
    `Explore the network ${data.model} (784-${H}-10)`;
  buildSliders();
  buildPresets();
  buildMethods();
  buildPad();
  setLabel(labelVector(0));
  updateForward();

  window.explorer = {
    ready: false,
    backquery: (label) => Array.from(backquery(label)),
    forward: (inputs) => Array.from(forward(inputs)),
    normalise: (pixels, width = SIDE, height = SIDE) =>
      Array.from(normalise(checkLength(pixels, width * height, "normalise pixels"), width, height)),
    setLabel: (label) => setLabel(checkLength(label, N_OUTPUTS, "label")),
    currentLabel: () => Array.from(state.label),
    currentImage: () => (state.image ? Array.from(state.image) : null),
    drawnInput: () => (state.drawnField ? Array.from(state.drawnField) : null),
    drawnOutputs: () => (state.drawnOutputs ? Array.from(state.drawnOutputs) : null),
    hiddenNodes: H,
  };
  // the 200 hidden-unit tiles come after the first paint of everything above
  requestAnimationFrame(() =>
    setTimeout(() => {
      buildUnits();
      window.explorer.ready = true;
    })
  );
})();
