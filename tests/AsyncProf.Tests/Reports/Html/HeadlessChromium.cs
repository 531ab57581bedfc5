using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace AsyncProf.Tests.Reports.Html
{
    /// <summary>
    /// Debian's Chromium (/usr/bin/chromium, installed by .ci/install-browser.sh), headless, driven over the Chrome
    /// DevTools Protocol on a WebSocket with nothing but the BCL: no driver package, no browser download. Chromium is
    /// started with <c>--remote-debugging-port=0</c>, picks a free port and writes it to DevToolsActivePort in its
    /// fresh user-data-dir; we attach to one page target in flat session mode and send commands to it.
    /// Clicks are real input events (Input.dispatchMouseEvent at the element's centre), not element.click().
    /// </summary>
    public sealed class HeadlessChromium : IAsyncDisposable
    {
        public const string DefaultExecutable = "/usr/bin/chromium";
        static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(15);

        readonly Process _process;
        readonly string _userDataDir;
        readonly ClientWebSocket _socket = new();
        readonly SemaphoreSlim _sendLock = new(1, 1);
        readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
        readonly ConcurrentQueue<string> _stderr = new();
        readonly CancellationTokenSource _stop = new();
        readonly object _eventLock = new();
        readonly List<(string Method, TaskCompletionSource<JsonElement> Waiter)> _eventWaiters = new();
        Task? _receiveLoop;
        string? _sessionId;
        int _nextId;

        /// <summary>Uncaught exceptions, console.error calls and error log entries of the page, as they happened.</summary>
        public ConcurrentQueue<string> PageErrors { get; } = new();
        /// <summary>Every URL the page asked the network stack for (file:// included).</summary>
        public ConcurrentQueue<string> RequestedUrls { get; } = new();

        HeadlessChromium(Process process, string userDataDir)
        {
            _process = process;
            _userDataDir = userDataDir;
        }

        /// <summary>The browser the tests use: $ASYNCPROF_CHROMIUM, else Debian's /usr/bin/chromium.</summary>
        public static string Executable =>
            Environment.GetEnvironmentVariable("ASYNCPROF_CHROMIUM") is { Length: > 0 } path ? path : DefaultExecutable;

        /// <summary>Fails the test (never skips it) when the browser is not installed.</summary>
        public static void RequireInstalled()
        {
            if (!File.Exists(Executable))
                Assert.Fail($"Chromium is not installed: {Executable} does not exist. The browser tests need Debian's chromium; " +
                    "install it with `bash .ci/setup.sh` (as root: it installs chromium and chromium-driver), " +
                    "or point ASYNCPROF_CHROMIUM at a Chromium binary.");
        }

        public static async Task<HeadlessChromium> LaunchAsync(int width, int height)
        {
            RequireInstalled();
            var userDataDir = Path.Combine(Path.GetTempPath(), "asyncprof-chromium-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(userDataDir);
            var psi = new ProcessStartInfo(Executable)
            {
                UseShellExecute = false,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            foreach (var arg in new[]
            {
                // As in /work/.library/env/machines/dotnet.md: headless, no sandbox (root), and no background traffic,
                // which this machine's closed network would refuse.
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
                "--user-data-dir=" + userDataDir,
                "--remote-debugging-port=0",
                $"--window-size={width},{height}",
                "about:blank",
            }) psi.ArgumentList.Add(arg);

            var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + Executable);
            var browser = new HeadlessChromium(process, userDataDir);
            process.ErrorDataReceived += (_, e) => { if (e.Data != null) browser.KeepStderr(e.Data); };
            process.OutputDataReceived += (_, e) => { if (e.Data != null) browser.KeepStderr(e.Data); };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            try
            {
                await browser.ConnectAsync(width, height);
                return browser;
            }
            catch
            {
                await browser.DisposeAsync();
                throw;
            }
        }

        void KeepStderr(string line)
        {
            _stderr.Enqueue(line);
            while (_stderr.Count > 40) _stderr.TryDequeue(out _);
        }

        string Diagnostics() => $"chromium {(_process.HasExited ? "exited with " + _process.ExitCode : "is running")}; its last output:\n" +
            string.Join("\n", _stderr);

        async Task ConnectAsync(int width, int height)
        {
            // DevToolsActivePort: line 1 the port, line 2 the browser target's path (/devtools/browser/<id>).
            var portFile = Path.Combine(_userDataDir, "DevToolsActivePort");
            var deadline = Stopwatch.StartNew();
            string[]? lines = null;
            while (deadline.Elapsed < TimeSpan.FromSeconds(20))
            {
                if (_process.HasExited) throw new InvalidOperationException("Chromium exited before opening its DevTools port. " + Diagnostics());
                if (File.Exists(portFile))
                {
                    try { lines = File.ReadAllLines(portFile); } catch (IOException) { }
                    if (lines is { Length: >= 2 } && lines[1].StartsWith("/devtools/", StringComparison.Ordinal)) break;
                }
                await Task.Delay(50);
            }
            if (lines is not { Length: >= 2 }) throw new TimeoutException("Chromium wrote no DevToolsActivePort within 20 s. " + Diagnostics());

            await _socket.ConnectAsync(new Uri($"ws://127.0.0.1:{lines[0].Trim()}{lines[1].Trim()}"), _stop.Token);
            _receiveLoop = Task.Run(ReceiveLoopAsync);

            var target = await SendAsync("Target.createTarget", new { url = "about:blank" }, session: false);
            var targetId = target.GetProperty("targetId").GetString();
            var attached = await SendAsync("Target.attachToTarget", new { targetId, flatten = true }, session: false);
            _sessionId = attached.GetProperty("sessionId").GetString();

            await SendAsync("Page.enable");
            await SendAsync("Runtime.enable");
            await SendAsync("Log.enable");
            await SendAsync("Network.enable");
            await SendAsync("Emulation.setDeviceMetricsOverride", new { width, height, deviceScaleFactor = 1, mobile = false });
        }

        async Task ReceiveLoopAsync()
        {
            var buffer = new byte[64 * 1024];
            var message = new MemoryStream();
            try
            {
                while (_socket.State == WebSocketState.Open)
                {
                    var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close) break;
                    message.Write(buffer, 0, result.Count);
                    if (!result.EndOfMessage) continue;
                    Dispatch(message.ToArray());
                    message.SetLength(0);
                }
            }
            catch (OperationCanceledException) { }
            catch (WebSocketException) { }
            finally
            {
                foreach (var waiter in _pending.Values) waiter.TrySetException(new InvalidOperationException("the DevTools connection closed. " + Diagnostics()));
            }
        }

        void Dispatch(byte[] utf8)
        {
            using var doc = JsonDocument.Parse(utf8);
            var root = doc.RootElement;
            if (root.TryGetProperty("id", out var idElement))
            {
                if (!_pending.TryRemove(idElement.GetInt32(), out var waiter)) return;
                if (root.TryGetProperty("error", out var error))
                    waiter.TrySetException(new InvalidOperationException("DevTools error: " + error.GetRawText()));
                else
                    waiter.TrySetResult(root.TryGetProperty("result", out var r) ? r.Clone() : default);
                return;
            }
            if (!root.TryGetProperty("method", out var methodElement)) return;
            var method = methodElement.GetString() ?? "";
            var parameters = root.TryGetProperty("params", out var p) ? p.Clone() : default;
            OnEvent(method, parameters);
        }

        void OnEvent(string method, JsonElement p)
        {
            switch (method)
            {
                case "Runtime.exceptionThrown":
                    var details = p.GetProperty("exceptionDetails");
                    var text = details.TryGetProperty("exception", out var ex) && ex.TryGetProperty("description", out var d)
                        ? d.GetString() : details.GetProperty("text").GetString();
                    PageErrors.Enqueue("uncaught: " + text);
                    break;
                case "Runtime.consoleAPICalled" when p.GetProperty("type").GetString() is "error" or "assert":
                    PageErrors.Enqueue("console.error: " + string.Join(" ", p.GetProperty("args").EnumerateArray()
                        .Select(a => a.TryGetProperty("value", out var v) ? v.ToString() : a.TryGetProperty("description", out var s) ? s.GetString() : "?")));
                    break;
                case "Log.entryAdded" when p.GetProperty("entry").GetProperty("level").GetString() == "error":
                    PageErrors.Enqueue("log: " + p.GetProperty("entry").GetProperty("text").GetString());
                    break;
                case "Network.requestWillBeSent":
                    RequestedUrls.Enqueue(p.GetProperty("request").GetProperty("url").GetString() ?? "");
                    break;
            }
            lock (_eventLock)
            {
                for (var i = _eventWaiters.Count - 1; i >= 0; i--)
                {
                    if (_eventWaiters[i].Method != method) continue;
                    _eventWaiters[i].Waiter.TrySetResult(p);
                    _eventWaiters.RemoveAt(i);
                }
            }
        }

        Task<JsonElement> NextEvent(string method)
        {
            var waiter = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_eventLock) _eventWaiters.Add((method, waiter));
            return waiter.Task;
        }

        /// <summary>Sends one DevTools command (to the page unless <paramref name="session"/> is false) and returns its result.</summary>
        public async Task<JsonElement> SendAsync(string method, object? parameters = null, bool session = true)
        {
            var id = Interlocked.Increment(ref _nextId);
            var waiter = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pending[id] = waiter;
            var message = new Dictionary<string, object?> { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new { } };
            if (session) message["sessionId"] = _sessionId ?? throw new InvalidOperationException("no page session yet");
            var bytes = JsonSerializer.SerializeToUtf8Bytes(message);
            await _sendLock.WaitAsync();
            try { await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, _stop.Token); }
            finally { _sendLock.Release(); }
            var done = await Task.WhenAny(waiter.Task, Task.Delay(CommandTimeout));
            if (done != waiter.Task)
            {
                _pending.TryRemove(id, out _);
                throw new TimeoutException($"DevTools command {method} got no answer within {CommandTimeout.TotalSeconds} s. " + Diagnostics());
            }
            return await waiter.Task;
        }

        /// <summary>Opens <paramref name="url"/> and waits for its load event.</summary>
        public async Task NavigateAsync(string url)
        {
            var loaded = NextEvent("Page.loadEventFired");
            var result = await SendAsync("Page.navigate", new { url });
            if (result.TryGetProperty("errorText", out var error) && error.GetString() is { Length: > 0 } text)
                throw new InvalidOperationException($"navigating to {url} failed: {text}");
            if (await Task.WhenAny(loaded, Task.Delay(CommandTimeout)) != loaded)
                throw new TimeoutException($"{url} did not finish loading within {CommandTimeout.TotalSeconds} s");
        }

        /// <summary>Evaluates a JavaScript expression in the page and returns its value (JSON-serialisable values only).</summary>
        public async Task<JsonElement> EvaluateAsync(string expression)
        {
            var result = await SendAsync("Runtime.evaluate", new { expression, returnByValue = true, awaitPromise = true });
            if (result.TryGetProperty("exceptionDetails", out var details))
            {
                var text = details.TryGetProperty("exception", out var ex) && ex.TryGetProperty("description", out var d)
                    ? d.GetString() : details.GetRawText();
                throw new InvalidOperationException($"page script failed: {text}\nexpression: {expression}");
            }
            var remote = result.GetProperty("result");
            return remote.TryGetProperty("value", out var value) ? value : default;
        }

        public async Task<T> EvaluateAsync<T>(string expression)
        {
            var value = await EvaluateAsync(expression);
            return value.ValueKind == JsonValueKind.Undefined
                ? default!
                : value.Deserialize<T>(new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        }

        /// <summary>Polls a JavaScript condition until it is true.</summary>
        public async Task WaitForAsync(string condition, TimeSpan? timeout = null)
        {
            var limit = timeout ?? TimeSpan.FromSeconds(10);
            var clock = Stopwatch.StartNew();
            while (true)
            {
                if ((await EvaluateAsync($"!!({condition})")).ValueKind == JsonValueKind.True) return;
                if (clock.Elapsed > limit) throw new TimeoutException($"the page never satisfied `{condition}` within {limit.TotalSeconds} s");
                await Task.Delay(25);
            }
        }

        /// <summary>
        /// Clicks the first element matching a CSS selector like a user: scrolls it into view, checks that it is the
        /// element actually under its centre, moves the mouse there and presses and releases the left button.
        /// </summary>
        public async Task ClickAsync(string selector)
        {
            var (x, y) = await PointAtAsync(selector, "click");
            await SendAsync("Input.dispatchMouseEvent", new { type = "mouseMoved", x, y });
            await SendAsync("Input.dispatchMouseEvent", new { type = "mousePressed", x, y, button = "left", buttons = 1, clickCount = 1 });
            await SendAsync("Input.dispatchMouseEvent", new { type = "mouseReleased", x, y, button = "left", buttons = 0, clickCount = 1 });
        }

        /// <summary>Moves the mouse over the first element matching a CSS selector.</summary>
        public async Task HoverAsync(string selector)
        {
            var (x, y) = await PointAtAsync(selector, "hover over");
            await SendAsync("Input.dispatchMouseEvent", new { type = "mouseMoved", x, y });
        }

        async Task<(double X, double Y)> PointAtAsync(string selector, string action)
        {
            var selectorJson = JsonSerializer.Serialize(selector);
            var point = await EvaluateAsync($$"""
                (() => {
                  const e = document.querySelector({{selectorJson}});
                  if (!e) return { error: 'no element matches' };
                  e.scrollIntoView({ block: 'center', inline: 'center' });
                  const r = e.getBoundingClientRect();
                  if (r.width < 1 || r.height < 1) return { error: 'the element has no size' };
                  const x = r.left + Math.min(r.width / 2, 40), y = r.top + r.height / 2;
                  const hit = document.elementFromPoint(x, y);
                  if (!hit || !(hit === e || e.contains(hit))) return { error: 'covered by ' + (hit ? hit.outerHTML.slice(0, 120) : 'nothing') };
                  return { x, y };
                })()
                """);
            if (point.TryGetProperty("error", out var error))
                throw new InvalidOperationException($"cannot {action} `{selector}`: {error.GetString()}");
            return (point.GetProperty("x").GetDouble(), point.GetProperty("y").GetDouble());
        }

        /// <summary>Focuses an input and types text into it, replacing what it held (fires input events like typing).</summary>
        public async Task TypeAsync(string selector, string text)
        {
            var selectorJson = JsonSerializer.Serialize(selector);
            var found = await EvaluateAsync($"(() => {{ const e = document.querySelector({selectorJson}); if (!e) return false; e.focus(); e.select(); return true; }})()");
            if (found.ValueKind != JsonValueKind.True) throw new InvalidOperationException($"cannot type into `{selector}`: no element matches");
            await SendAsync("Input.insertText", new { text });
        }

        /// <summary>A PNG of the whole page (beyond the viewport when the page is taller).</summary>
        public async Task<byte[]> ScreenshotAsync()
        {
            var metrics = await SendAsync("Page.getLayoutMetrics");
            var size = metrics.GetProperty("cssContentSize");
            var viewport = metrics.GetProperty("cssLayoutViewport");
            var width = Math.Ceiling(size.GetProperty("width").GetDouble());
            var height = Math.Ceiling(size.GetProperty("height").GetDouble());
            // A page that fits is shot as it is on screen (hover state included); a taller one beyond the viewport.
            var shot = width <= viewport.GetProperty("clientWidth").GetDouble() && height <= viewport.GetProperty("clientHeight").GetDouble()
                ? await SendAsync("Page.captureScreenshot", new { format = "png" })
                : await SendAsync("Page.captureScreenshot", new
            {
                format = "png",
                captureBeyondViewport = true,
                clip = new { x = 0, y = 0, width, height, scale = 1 },
            });
            return Convert.FromBase64String(shot.GetProperty("data").GetString()!);
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (_socket.State == WebSocketState.Open)
                {
                    var close = SendAsync("Browser.close", session: false);
                    await Task.WhenAny(close, Task.Delay(3000));
                }
            }
            catch (Exception) { /* closing anyway */ }
            try
            {
                if (!_process.WaitForExit(5000)) _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
            catch (InvalidOperationException) { }
            _stop.Cancel();
            try { if (_receiveLoop != null) await Task.WhenAny(_receiveLoop, Task.Delay(2000)); } catch (Exception) { }
            _socket.Dispose();
            _process.Dispose();
            for (var attempt = 0; attempt < 5 && Directory.Exists(_userDataDir); attempt++)
            {
                try { Directory.Delete(_userDataDir, recursive: true); }
                catch (IOException) { await Task.Delay(200); }
                catch (UnauthorizedAccessException) { await Task.Delay(200); }
            }
        }
    }
}
