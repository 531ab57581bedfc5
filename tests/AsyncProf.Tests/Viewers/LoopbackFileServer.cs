using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace AsyncProf.Tests.Viewers
{
    /// <summary>
    /// A static file server on 127.0.0.1 (a free port the OS picked) for a viewer app that must be served over HTTP,
    /// not opened from file://: each URL prefix maps to a folder. Stopped by Dispose.
    /// </summary>
    sealed class LoopbackFileServer : IDisposable
    {
        static readonly Dictionary<string, string> Types = new(StringComparer.OrdinalIgnoreCase)
        {
            [".html"] = "text/html; charset=utf-8", [".js"] = "text/javascript", [".css"] = "text/css", [".json"] = "application/json",
            [".wasm"] = "application/wasm", [".png"] = "image/png", [".ico"] = "image/x-icon", [".woff2"] = "font/woff2", [".txt"] = "text/plain",
        };

        readonly HttpListener _listener = new();
        readonly Dictionary<string, string> _folders;
        readonly Task _loop;

        public string BaseUrl { get; }

        /// <param name="folders">URL prefix ("/", "/profiles/") to the folder it serves.</param>
        public LoopbackFileServer(Dictionary<string, string> folders)
        {
            _folders = folders;
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            BaseUrl = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(BaseUrl + "/");
            _listener.Start();
            _loop = Task.Run(ServeAsync);
        }

        async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
                try { Answer(context); }
                catch (Exception e) when (e is IOException or HttpListenerException) { /* the browser went away */ }
            }
        }

        void Answer(HttpListenerContext context)
        {
            var path = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath);
            string? file = null;
            foreach (var (prefix, folder) in _folders)
            {
                if (!path.StartsWith(prefix, StringComparison.Ordinal)) continue;
                var candidate = Path.GetFullPath(Path.Combine(folder, path.Substring(prefix.Length)));
                if (candidate.StartsWith(Path.GetFullPath(folder), StringComparison.Ordinal) && File.Exists(candidate)) { file = candidate; break; }
            }
            using var response = context.Response;
            if (file == null)
            {
                response.StatusCode = 404;
                return;
            }
            response.ContentType = Types.TryGetValue(Path.GetExtension(file), out var type) ? type : "application/octet-stream";
            var bytes = File.ReadAllBytes(file);
            response.ContentLength64 = bytes.Length;
            response.OutputStream.Write(bytes);
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
