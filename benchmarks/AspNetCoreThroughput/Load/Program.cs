using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using AsyncProf.AspNetCore;

namespace ThroughputLoad
{
    /// <summary>
    /// Requests per second of the same server three ways, measured in interleaved rounds so that drift of a shared
    /// machine hits all three alike: the plain (unwoven) build; the woven build with nothing profiled; the woven
    /// build while one request in <c>every</c> carries a signed trigger and is profiled.
    /// usage: ThroughputLoad &lt;plain ThroughputWeb.dll&gt; &lt;woven ThroughputWeb.dll&gt; [rounds] [seconds] [clients] [every]
    /// </summary>
    public static class Program
    {
        public static async Task<int> Main(string[] args)
        {
            if (args.Length < 2) { Console.Error.WriteLine("usage: ThroughputLoad <plain dll> <woven dll> [rounds] [seconds] [clients] [every]"); return 2; }
            var rounds = args.Length > 2 ? int.Parse(args[2]) : 5;
            var seconds = args.Length > 3 ? double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 5;
            var clients = args.Length > 4 ? int.Parse(args[4]) : 16;
            var every = args.Length > 5 ? int.Parse(args[5]) : 1000;
            var key = TriggerKey.New();
            using var plain = Server.Start(args[0], key);
            using var woven = Server.Start(args[1], key);
            var modes = new (string Name, Server Server, int Every)[] { ("plain", plain, 0), ("woven, idle", woven, 0), ($"woven, 1 in {every} profiled", woven, every) };
            var rps = modes.ToDictionary(m => m.Name, _ => new List<double>());
            long profiled = 0;
            foreach (var m in modes) await Load(m.Server, key, TimeSpan.FromSeconds(5), clients, m.Every); // warm-up: JIT, tiering, connections
            for (var r = 0; r < rounds; r++)
                foreach (var m in modes)
                {
                    var (count, triggered) = await Load(m.Server, key, TimeSpan.FromSeconds(seconds), clients, m.Every);
                    rps[m.Name].Add(count / seconds);
                    profiled += triggered;
                    Console.Error.WriteLine($"round {r + 1} {m.Name}: {count / seconds:F0} req/s");
                }
            // the ratio of each round to the plain server's in the same round: drift of a shared machine cancels out
            Console.WriteLine($"{"server",-30} {"req/s (median)",15} {"min..max",15} {"ratio to plain (median of rounds)",34}");
            foreach (var m in modes)
            {
                var v = rps[m.Name];
                var ratios = v.Select((x, i) => x / rps["plain"][i]).ToList();
                Console.WriteLine($"{m.Name,-30} {Median(v),15:F0} {$"{v.Min():F0}..{v.Max():F0}",15} {$"{Median(ratios):F3} ({ratios.Min():F2}..{ratios.Max():F2})",34}");
            }
            Console.WriteLine($"{rounds} rounds of {seconds} s, {clients} concurrent clients, {Environment.ProcessorCount} cores shared by server and client; {profiled} requests profiled (X-AsyncProf-Profile seen)");
            return 0;
        }

        static double Median(List<double> v)
        {
            var s = v.OrderBy(x => x).ToList();
            return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
        }

        /// <summary>Closed loop: each client sends its next request when the last one is answered.</summary>
        static async Task<(long Requests, long Profiled)> Load(Server server, TriggerKey key, TimeSpan duration, int clients, int every)
        {
            long requests = 0, profiled = 0, sent = 0;
            var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
            {
                while (Stopwatch.GetTimestamp() < until)
                {
                    var n = Interlocked.Increment(ref sent);
                    var path = "/orders/" + (n % 1000);
                    using var request = new HttpRequestMessage(HttpMethod.Get, path);
                    if (every > 0 && n % every == 0)
                        request.Headers.TryAddWithoutValidation(TriggerHeaders.Trigger, TriggerToken.Create(key, "GET", path, DateTimeOffset.UtcNow.AddMinutes(1)));
                    using var response = await server.Http.SendAsync(request);
                    await response.Content.ReadAsByteArrayAsync();
                    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: HTTP {(int)response.StatusCode}");
                    if (response.Headers.Contains(TriggerHeaders.Profile)) Interlocked.Increment(ref profiled);
                    Interlocked.Increment(ref requests);
                }
            })));
            return (requests, profiled);
        }
    }

    /// <summary>A server process on 127.0.0.1 (a port the OS picks), its address read from Kestrel's log.</summary>
    sealed class Server : IDisposable
    {
        readonly Process process;
        public HttpClient Http { get; }

        Server(Process process, string address)
        {
            this.process = process;
            Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri(address) };
        }

        public static Server Start(string dll, TriggerKey key)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(dll);
            psi.ArgumentList.Add("--urls");
            psi.ArgumentList.Add("http://127.0.0.1:0");
            psi.Environment["AsyncProf__Key"] = key.ToKeyText();
            psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            psi.Environment.Remove("ASYNCPROF_OUTPUT");
            var process = Process.Start(psi)!;
            var listening = new TaskCompletionSource<string>();
            process.OutputDataReceived += (_, e) =>
            {
                var m = e.Data == null ? null : Regex.Match(e.Data, @"Now listening on:\s*(http://127\.0\.0\.1:\d+)");
                if (m is { Success: true }) listening.TrySetResult(m.Groups[1].Value);
            };
            process.ErrorDataReceived += (_, e) => { if (e.Data != null) Console.Error.WriteLine("server: " + e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!listening.Task.Wait(TimeSpan.FromSeconds(60))) { process.Kill(); throw new TimeoutException(dll + " did not listen"); }
            return new Server(process, listening.Task.Result);
        }

        public void Dispose()
        {
            Http.Dispose();
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
        }
    }
}
