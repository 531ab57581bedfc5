using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SeedApp
{
    /// <summary>
    /// A minimal HTTP/1.1 server on 127.0.0.1 with an ephemeral port (loopback only): every request gets "ok" after
    /// a fixed delay, then the connection closes. Just enough for HttpClient; not a general server.
    /// </summary>
    public sealed class SlowHttpServer : IAsyncDisposable
    {
        readonly TcpListener _listener;
        readonly TimeSpan _delay;
        readonly CancellationTokenSource _stop = new();
        readonly Task _acceptLoop;

        SlowHttpServer(TimeSpan delay)
        {
            _delay = delay;
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            var port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            BaseAddress = new Uri($"http://127.0.0.1:{port}/");
            _acceptLoop = AcceptLoop();
        }

        public Uri BaseAddress { get; }

        public static SlowHttpServer Start(TimeSpan delay) => new SlowHttpServer(delay);

        async Task AcceptLoop()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException || e is ObjectDisposedException || e is SocketException)
                {
                    return;
                }
                _ = Serve(client);
            }
        }

        async Task Serve(TcpClient client)
        {
            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    await ReadRequestHead(stream);
                    await Task.Delay(_delay, _stop.Token);
                    var body = Encoding.ASCII.GetBytes("ok");
                    var head = Encoding.ASCII.GetBytes(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.Length + "\r\nConnection: close\r\n\r\n");
                    await stream.WriteAsync(head, _stop.Token);
                    await stream.WriteAsync(body, _stop.Token);
                }
                catch (Exception e) when (e is IOException || e is OperationCanceledException || e is SocketException || e is ObjectDisposedException)
                {
                    // The client went away or the server is stopping.
                }
            }
        }

        /// <summary>Reads up to the blank line ending the request head (GET requests have no body).</summary>
        async Task ReadRequestHead(NetworkStream stream)
        {
            var buffer = new byte[4096];
            var matched = 0;
            var total = 0;
            while (true)
            {
                var n = await stream.ReadAsync(buffer, _stop.Token);
                if (n == 0) throw new IOException("connection closed before the request head ended");
                for (var i = 0; i < n; i++)
                {
                    // Match "\r\n\r\n".
                    var expected = (matched % 2 == 0) ? (byte)'\r' : (byte)'\n';
                    matched = buffer[i] == expected ? matched + 1 : (buffer[i] == '\r' ? 1 : 0);
                    if (matched == 4) return;
                }
                total += n;
                if (total > 64 * 1024) throw new IOException("request head too large");
            }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            try { await _acceptLoop; } catch (Exception) { }
            _stop.Dispose();
        }
    }
}
