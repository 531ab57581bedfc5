using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using AsyncProf.Reports;
using AsyncProf.Reports.Exporters;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AsyncProf.AspNetCore
{
    /// <summary>One sampled request's profile, waiting to be sent.</summary>
    internal sealed record SampledProfile(byte[] Json, DateTimeOffset Started, DateTimeOffset Ended);

    /// <summary>
    /// Pushes sampled profiles, as pprof, to a Pyroscope-compatible <c>POST /ingest</c> from a background worker: a
    /// request only ever offers its profile to a bounded queue (<see cref="TryEnqueue"/> never waits; a full queue
    /// drops the profile and counts it), and an upload that fails is tried again after a growing delay
    /// (<see cref="PushRetryDelay"/>).
    /// </summary>
    internal sealed class PyroscopeExporter : BackgroundService
    {
        readonly PyroscopeOptions options;
        readonly Channel<SampledProfile> queue;

        readonly HttpClient http;
        readonly string server;
        readonly string application;
        readonly ILogger logger;
        long dropped, sent, failed;

        public PyroscopeExporter(PyroscopeOptions options, ILogger<PyroscopeExporter> logger, HttpMessageHandler? handler = null)
        {
            this.options = options;
            this.logger = logger;
            if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || (url.Scheme != "http" && url.Scheme != "https"))
                throw new InvalidOperationException($"{AsyncProfOptions.SectionName}:Pyroscope:Url: '{WithoutCredentials(options.Url)}' is not an http:// or https:// address");
            if (options.QueueCapacity < 1 || options.MaxAttempts < 1)
                throw new InvalidOperationException($"{AsyncProfOptions.SectionName}:Pyroscope: QueueCapacity and MaxAttempts must be at least 1");
            queue = Channel.CreateBounded<SampledProfile>(new BoundedChannelOptions(options.QueueCapacity)
            {
                FullMode = BoundedChannelFullMode.Wait, // with TryWrite: refuses when full, so the drop is counted
                SingleReader = true,
            });
            // "ingest" resolves against the base's last segment: a base without a trailing / would lose it
            if (!url.AbsolutePath.EndsWith("/", StringComparison.Ordinal)) url = new Uri(url.GetLeftPart(UriPartial.Path) + "/" + url.Query);
            server = new UriBuilder(url) { UserName = "", Password = "", Query = "" }.Uri.ToString(); // for logs: never the credentials a URL may carry
            http = new HttpClient(handler ?? new SocketsHttpHandler()) { BaseAddress = url, Timeout = options.Timeout };
            application = options.ApplicationName ?? System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "app";
        }

        public long Dropped => Interlocked.Read(ref dropped);
        public long Sent => Interlocked.Read(ref sent);
        public long Failed => Interlocked.Read(ref failed);

        /// <summary>Offers a profile for sending; false (and counted) when the queue is full. Never blocks.</summary>
        public bool TryEnqueue(SampledProfile profile)
        {
            if (queue.Writer.TryWrite(profile)) return true;
            Interlocked.Increment(ref dropped);
            return false;
        }

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            try
            {
                await foreach (var profile in queue.Reader.ReadAllAsync(stoppingToken))
                    await Send(profile, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        }

        async Task Send(SampledProfile sampled, CancellationToken stop)
        {
            byte[] pprof;
            string name;
            try
            {
                var profile = ProfileReader.Parse(sampled.Json, "sampled request");
                using var buffer = new MemoryStream();
                new PprofExporter().Export(profile, buffer);
                pprof = buffer.ToArray();
                name = SeriesName(application, options.Labels, profile.Request);
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref failed);
                logger.LogWarning(e, "AsyncProf: a sampled profile could not be converted to pprof; it is dropped");
                return;
            }
            var target = "ingest?name=" + Uri.EscapeDataString(name) + "&format=pprof&spyName=asyncprof" +
                         "&from=" + sampled.Started.ToUnixTimeSeconds() + "&until=" + Math.Max(sampled.Ended.ToUnixTimeSeconds(), sampled.Started.ToUnixTimeSeconds() + 1);
            var delay = options.RetryDelay;
            for (var attempt = 1; ; attempt++)
            {
                var retry = await TryUpload(target, pprof, stop);
                if (retry == null)
                {
                    Interlocked.Increment(ref sent);
                    return;
                }
                if (attempt >= options.MaxAttempts || retry == false)
                {
                    Interlocked.Increment(ref failed);
                    logger.LogWarning("AsyncProf: a sampled profile was not accepted by {Server} after {Attempts} attempt(s); it is dropped", server, attempt);
                    return;
                }
                await Task.Delay(delay, stop);
                delay = PushRetryDelay.Next(delay);
            }
        }

        /// <summary>null: accepted; true: worth another attempt (no answer, 429, 5xx); false: refused for good.</summary>
        async Task<bool?> TryUpload(string target, byte[] pprof, CancellationToken stop)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(pprof) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            if (options.Authorization != null) request.Headers.TryAddWithoutValidation("Authorization", options.Authorization);
            if (options.TenantId != null) request.Headers.TryAddWithoutValidation("X-Scope-OrgID", options.TenantId);
            try
            {
                using var response = await http.SendAsync(request, stop);
                if (response.IsSuccessStatusCode) return null;
                var code = (int)response.StatusCode;
                return code == 429 || code >= 500;
            }
            catch (HttpRequestException) { return true; }
            catch (TaskCanceledException) when (!stop.IsCancellationRequested) { return true; } // the upload's timeout
        }

        /// <summary>
        /// <c>app{label=value,...}</c>: the application, the configured labels, then the request's method, route and
        /// status. Label values lose the characters the series syntax reserves (a route's braces among them).
        /// </summary>
        internal static string SeriesName(string application, IReadOnlyDictionary<string, string> labels, RequestInfo? request)
        {
            var all = labels.Select(kv => (kv.Key, kv.Value)).ToList();
            if (request?.Method != null) all.Add(("http_method", request.Method));
            if (request?.Route != null) all.Add(("http_route", request.Route));
            if (request?.Status is int status) all.Add(("http_status", status.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            var name = new StringBuilder(application);
            if (all.Count == 0) return name.ToString();
            name.Append('{');
            name.Append(string.Join(",", all.Select(l => Clean(l.Item1) + "=" + Clean(l.Item2))));
            return name.Append('}').ToString();
        }

        static string Clean(string s)
        {
            var chars = s.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
                if (chars[i] is '{' or '}' or ',' or '=' or '"' || char.IsControl(chars[i])) chars[i] = '_';
            return new string(chars);
        }

        public override void Dispose()
        {
            base.Dispose();
            http.Dispose();
        }

        /// <summary>A URL as it may be logged: whatever stands before an @ (user:password) is left out.</summary>
        static string? WithoutCredentials(string? url)
        {
            var at = url?.LastIndexOf('@') ?? -1;
            if (at < 0) return url;
            var scheme = url!.IndexOf("://", StringComparison.Ordinal);
            var start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
            return url.Substring(0, start) + "***" + url.Substring(at);
        }
    }
}
