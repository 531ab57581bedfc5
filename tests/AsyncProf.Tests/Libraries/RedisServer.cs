using System;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace AsyncProf.Tests.Libraries
{
    /// <summary>
    /// A throwaway redis-server (Debian's, installed by .ci/setup.sh) on 127.0.0.1 on a free port, with no
    /// persistence (--save '' --appendonly no) and its working folder in a fresh temporary folder; killed and deleted
    /// by <see cref="Dispose"/>. A missing binary is a failure naming .ci/setup.sh, never a skip.
    /// </summary>
    public sealed class RedisServer : IDisposable
    {
        const string Binary = "/usr/bin/redis-server";

        readonly Process process;
        readonly string folder;
        readonly StringBuilder output = new();

        public int Port { get; }
        public string Endpoint => $"127.0.0.1:{Port}";

        RedisServer(Process process, string folder, int port)
        {
            this.process = process;
            this.folder = folder;
            Port = port;
        }

        public static RedisServer Start()
        {
            if (!File.Exists(Binary))
                throw new InvalidOperationException($"{Binary} not found: run .ci/setup.sh (as root), which installs Debian's redis-server");
            var folder = Path.Combine(Path.GetTempPath(), "asyncprof-redis-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(folder);
            var port = LoopbackPort.Free();
            var psi = new ProcessStartInfo(Binary)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = folder,
            };
            foreach (var a in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                         "--dir", folder, "--daemonize", "no" })
                psi.ArgumentList.Add(a);
            var server = new RedisServer(new Process { StartInfo = psi }, folder, port);
            server.process.OutputDataReceived += (_, e) => server.Append(e.Data);
            server.process.ErrorDataReceived += (_, e) => server.Append(e.Data);
            try
            {
                server.process.Start();
                server.process.BeginOutputReadLine();
                server.process.BeginErrorReadLine();
                server.WaitUntilAnswering(TimeSpan.FromSeconds(30));
                return server;
            }
            catch
            {
                server.Dispose();
                throw;
            }
        }

        void Append(string? line)
        {
            if (line != null) lock (output) output.AppendLine(line);
        }

        string Output { get { lock (output) return output.ToString(); } }

        /// <summary>Waits until the server answers PING with +PONG.</summary>
        void WaitUntilAnswering(TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"redis-server exited with {process.ExitCode} before answering\n{Output}");
                if (Pings()) return;
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"redis-server did not answer on {Endpoint} within {timeout}\n{Output}");
                Thread.Sleep(50);
            }
        }

        bool Pings()
        {
            try
            {
                using var client = new TcpClient();
                client.Connect("127.0.0.1", Port);
                var stream = client.GetStream();
                stream.ReadTimeout = 2000;
                stream.Write(Encoding.ASCII.GetBytes("PING\r\n"));
                var buffer = new byte[16];
                var n = stream.Read(buffer, 0, buffer.Length);
                return Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal);
            }
            catch (Exception e) when (e is SocketException || e is IOException)
            {
                return false;
            }
        }

        public void Dispose()
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException) { } // never started
            finally
            {
                process.Dispose();
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            }
        }
    }
}
