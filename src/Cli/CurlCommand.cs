using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Text;
using AsyncProf.AspNetCore;
using AsyncProf.Reports.Exporters;

namespace AsyncProf.Cli
{
    /// <summary>
    /// <c>asyncprof curl &lt;url&gt; [-X METHOD] [-H 'Name: value']... [-d DATA] [--key-file FILE] [-o FILE] [--format FMT]</c>:
    /// sends one request signed with the key (a single-use trigger for exactly this method and target), prints its
    /// status, fetches its profile from the server's store and writes it as <c>asyncprof report</c> would.
    /// </summary>
    public static class CurlCommand
    {
        /// <summary>A token is valid this long: enough for the request to reach the server, not enough to be worth stealing.</summary>
        static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(60);

        static readonly OptionSpec[] Options =
        {
            new("request", TakesValue: true, ShortName: "X"),
            new("header", TakesValue: true, Repeatable: true, ShortName: "H"),
            new("data", TakesValue: true, ShortName: "d"),
            new("key-file", TakesValue: true),
            new("output", TakesValue: true, ShortName: "o"),
            new("format", TakesValue: true, ShortName: "f"),
            new("timeout", TakesValue: true),
        };

        public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
        {
            var parsed = ArgumentParser.Parse("curl", args, Options);
            if (parsed.Positionals.Count != 1)
                throw new UsageException(parsed.Positionals.Count == 0 ? "curl needs a URL (see 'asyncprof curl --help')" : $"curl takes one URL, got {parsed.Positionals.Count}");
            if (!Uri.TryCreate(parsed.Positionals[0], UriKind.Absolute, out var url) || (url.Scheme != "http" && url.Scheme != "https"))
                throw new UsageException($"{parsed.Positionals[0]}: not an http:// or https:// URL");
            var format = parsed.Value("format");
            var exporter = format == null ? null : ExporterRegistry.Find(format)
                ?? throw new UsageException($"--format {format}: unknown format (use one of {string.Join(", ", ExporterRegistry.Names)})");
            var key = LoadKey(parsed.Value("key-file"));
            var timeout = TimeSpan.FromSeconds(Seconds(parsed.Value("timeout")));

            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = timeout };
            var request = BuildRequest(parsed, url);
            var nonce = Sign(request, key);
            var response = Send(http, request, url);
            stdout.WriteLine($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");

            // The server stores a profiled request's profile under the token's nonce, which this side chose: the id the
            // response names is only a confirmation (an unhandled exception's 500 drops it), and never becomes a file
            // name, since a hostile server could name "../x".
            var id = nonce;
            var named = response.Headers.Contains(TriggerHeaders.Profile);
            var profile = named ? FetchProfile(http, url, key, id) : TryFetchProfile(http, url, key, id)
                ?? throw new InputException(WhyNotProfiled(http, url, key, response));

            var temp = Path.Combine(Path.GetTempPath(), $"asyncprof-curl-{id}.json");
            try
            {
                File.WriteAllBytes(temp, profile);
                var reportArgs = new List<string> { temp };
                if (format != null) reportArgs.AddRange(new[] { "--format", format });
                var output = parsed.Value("output");
                // a file format with no -o goes to the current folder, named by the profile's id
                if (output == null && exporter != null && exporter.Name != "text") output = "asyncprof-" + id + exporter.FileExtension;
                if (output != null) reportArgs.AddRange(new[] { "-o", output });
                return ReportCommand.Run(reportArgs, stdout, stderr);
            }
            finally
            {
                File.Delete(temp);
            }
        }

        static TriggerKey LoadKey(string? keyFile)
        {
            string text, source;
            if (keyFile != null)
            {
                if (!File.Exists(keyFile)) throw new InputException($"{keyFile}: no such key file");
                text = File.ReadAllText(keyFile);
                source = keyFile;
            }
            else
            {
                text = Environment.GetEnvironmentVariable("ASYNCPROF_KEY") ?? "";
                source = "ASYNCPROF_KEY";
                if (text.Trim().Length == 0)
                    throw new UsageException("no key: give --key-file FILE or set ASYNCPROF_KEY (the server's AsyncProf:Key, from 'asyncprof key new')");
            }
            try { return TriggerKey.Parse(text); }
            catch (FormatException e) { throw new InputException($"{source}: {e.Message}"); }
        }

        static double Seconds(string? text)
        {
            if (text == null) return 100;
            if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) || s <= 0)
                throw new UsageException($"--timeout {text}: expected a positive number of seconds");
            return s;
        }

        static HttpRequestMessage BuildRequest(ParsedArguments parsed, Uri url)
        {
            var data = parsed.Value("data");
            // as curl: -d makes a POST unless -X says otherwise
            var request = new HttpRequestMessage(new HttpMethod(parsed.Value("request") ?? (data != null ? "POST" : "GET")), url);
            if (data != null)
            {
                var bytes = data.StartsWith("@", StringComparison.Ordinal) ? ReadData(data.Substring(1)) : Encoding.UTF8.GetBytes(data);
                request.Content = new ByteArrayContent(bytes);
                request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
            }
            foreach (var header in parsed.Values("header"))
            {
                var colon = header.IndexOf(':');
                if (colon <= 0) throw new UsageException($"-H '{header}': expected 'Name: value'");
                var name = header.Substring(0, colon).Trim();
                var value = header.Substring(colon + 1).Trim();
                if (name.Equals(TriggerHeaders.Trigger, StringComparison.OrdinalIgnoreCase)) throw new UsageException($"-H {name}: curl signs the request itself");
                if (request.Content != null && name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
                {
                    request.Content.Headers.Remove(name);
                    request.Content.Headers.TryAddWithoutValidation(name, value);
                }
                else if (!request.Headers.TryAddWithoutValidation(name, value))
                    throw new UsageException($"-H '{header}': a header this request cannot carry");
            }
            return request;
        }

        static byte[] ReadData(string path)
        {
            if (!File.Exists(path)) throw new InputException($"-d @{path}: no such file");
            return File.ReadAllBytes(path);
        }

        /// <summary>The token covers the method and the path and query exactly as the request line will carry them.</summary>
        /// <returns>the token's nonce: the id the server stores the request's profile under</returns>
        static string Sign(HttpRequestMessage request, TriggerKey key)
        {
            var token = TriggerToken.Create(key, request.Method.Method, request.RequestUri!.PathAndQuery, DateTimeOffset.UtcNow + TokenLifetime);
            request.Headers.TryAddWithoutValidation(TriggerHeaders.Trigger, token);
            TriggerToken.TryParse(token, out var parsed);
            return parsed.Nonce;
        }

        static HttpResponseMessage Send(HttpClient http, HttpRequestMessage request, Uri url)
        {
            try { return http.Send(request, HttpCompletionOption.ResponseContentRead); }
            catch (HttpRequestException e) { throw new InputException($"{url}: cannot connect ({e.Message})"); }
            catch (System.Threading.Tasks.TaskCanceledException e) { throw new InputException($"{url}: no response within {http.Timeout.TotalSeconds} s ({e.Message})"); }
        }

        static HttpResponseMessage SendSigned(HttpClient http, Uri server, string path, TriggerKey key)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, path));
            Sign(request, key);
            return Send(http, request, request.RequestUri!);
        }

        /// <summary>
        /// No profile id came back: asks the server's status endpoint whether it knows the key, so the message can
        /// tell a server without AsyncProf from a wrong key from a request the server chose not to profile.
        /// </summary>
        static string WhyNotProfiled(HttpClient http, Uri url, TriggerKey key, HttpResponseMessage response)
        {
            if (response.Headers.TryGetValues(TriggerHeaders.Status, out var reason))
                return $"the request was not profiled: {string.Join(" ", reason)}";
            using var status = SendSigned(http, url, TriggerHeaders.EndpointPrefix + "/status", key);
            var host = url.GetLeftPart(UriPartial.Authority);
            switch (status.StatusCode)
            {
                case HttpStatusCode.OK:
                    return "the request was not profiled, and the server gave no reason (is UseAsyncProf() first in its pipeline?)";
                case HttpStatusCode.Unauthorized:
                    return $"{host} refused key '{key.Id}' ({StatusOf(status)}): it is not the server's AsyncProf:Key, or the clocks differ by minutes";
                default:
                    return $"{host} does not run AsyncProf with a key (AsyncProf:Key): {TriggerHeaders.EndpointPrefix}/status answered HTTP {(int)status.StatusCode}";
            }
        }

        static byte[] FetchProfile(HttpClient http, Uri url, TriggerKey key, string id)
        {
            using var fetch = SendSigned(http, url, TriggerHeaders.EndpointPrefix + "/profiles/" + Uri.EscapeDataString(id), key);
            if (fetch.StatusCode != HttpStatusCode.OK)
                throw new InputException($"could not fetch profile {id}: HTTP {(int)fetch.StatusCode} ({StatusOf(fetch)})");
            return fetch.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        }

        /// <summary>The profile stored under <paramref name="id"/>, or null when the server has none by that id (or does not know the key, or runs no AsyncProf): then the request was not profiled.</summary>
        static byte[]? TryFetchProfile(HttpClient http, Uri url, TriggerKey key, string id)
        {
            using var fetch = SendSigned(http, url, TriggerHeaders.EndpointPrefix + "/profiles/" + Uri.EscapeDataString(id), key);
            if (fetch.StatusCode == HttpStatusCode.NotFound || fetch.StatusCode == HttpStatusCode.Unauthorized) return null;
            if (fetch.StatusCode != HttpStatusCode.OK)
                throw new InputException($"could not fetch profile {id}: HTTP {(int)fetch.StatusCode} ({StatusOf(fetch)})");
            return fetch.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        }

        static string StatusOf(HttpResponseMessage response) =>
            response.Headers.TryGetValues(TriggerHeaders.Status, out var values) ? string.Join(" ", values) : "no reason given";
    }
}
