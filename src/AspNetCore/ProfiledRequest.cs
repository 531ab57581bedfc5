using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace AsyncProf.AspNetCore
{
    /// <summary>
    /// One request whose token verified: profiled alone in a scope (the rest of the pipeline, what it awaits and
    /// queues) within the limits, its profile put in the store under the id its response names, with the request's
    /// context added. Profiling never breaks the request: a profile that cannot be made is logged and its fetch
    /// says why.
    /// </summary>
    internal static class ProfiledRequest
    {
        /// <param name="sampled">
        /// picked by SampleRate, not triggered: nothing in its response changes, and its profile goes to the exporter
        /// rather than the store
        /// </param>
        /// <param name="profileId">the id to store the profile under (the trigger's nonce), else a random one</param>
        public static async Task Run(HttpContext context, RequestDelegate next, AsyncProfService service, ILogger logger, bool sampled = false, string? profileId = null)
        {
            var options = service.Options;
            if (!service.TryStartProfiling(sampled))
            {
                if (!sampled)
                {
                    var reason = $"busy: {options.MaxConcurrentProfiles} requests are being profiled already (MaxConcurrentProfiles)";
                    context.Response.OnStarting(() =>
                    {
                        context.Response.Headers[AsyncProfHeaders.Status] = reason;
                        return Task.CompletedTask;
                    });
                }
                await next(context);
                return;
            }
            try
            {
                var entry = sampled ? null : service.Store.Reserve(profileId);
                var traceId = Activity.Current?.TraceId.ToHexString();
                var startedUtc = DateTimeOffset.UtcNow;
                var started = Stopwatch.GetTimestamp();
                // created before the scope starts, so the timer's callback does not run in (and is not recorded by) it
                var limit = new DurationLimit($"recording stopped after MaxDuration ({options.MaxDuration.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s); later calls are not in the profile");
                var timer = new Timer(static state => ((DurationLimit)state!).Reached(), limit, Timeout.Infinite, Timeout.Infinite);
                var scope = Profiler.StartScope();
                limit.Scope = scope;
                timer.Change(options.MaxDuration, Timeout.InfiniteTimeSpan);
                if (entry != null)
                    context.Response.OnStarting(() =>
                    {
                        var headers = context.Response.Headers;
                        headers[AsyncProfHeaders.Profile] = entry.Id;
                        try { headers.Append("Server-Timing", ServerTiming(scope, Stopwatch.GetElapsedTime(started))); }
                        catch (Exception e) { logger.LogWarning(e, "AsyncProf could not sum up request {Request} for Server-Timing", context.TraceIdentifier); }
                        return Task.CompletedTask;
                    });
                var failed = false;
                try
                {
                    await next(context);
                }
                catch
                {
                    failed = true; // the server answers 500 after this, unless the response had started
                    throw;
                }
                finally
                {
                    timer.Dispose();
                    scope.Stop();
                    var duration = Stopwatch.GetElapsedTime(started);
                    var json = Json(context, service, scope, entry?.Id, traceId, duration, failed, logger, out var problem);
                    if (entry != null)
                    {
                        if (json != null) service.Store.Complete(entry, json);
                        else service.Store.Fail(entry, problem!);
                    }
                    else if (json != null) service.Exporter!.TryEnqueue(new SampledProfile(json, startedUtc, startedUtc + duration));
                }
            }
            finally
            {
                service.EndProfiling();
            }
        }

        /// <summary>Stops a scope once it has recorded for MaxDuration, saying so in its profile.</summary>
        sealed class DurationLimit
        {
            readonly string reason;
            public volatile ProfilingScope? Scope;
            public DurationLimit(string reason) => this.reason = reason;
            public void Reached() => Scope?.Stop(reason);
        }

        /// <summary>Wall time of the request so far and the CPU and allocations its calls recorded, when its headers go out.</summary>
        static string ServerTiming(ProfilingScope scope, TimeSpan wall)
        {
            var totals = scope.Totals();
            var ms = wall.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
            var cpuMs = (totals.CpuNs / 1e6).ToString("0.###", CultureInfo.InvariantCulture);
            return $"asyncprof-wall;dur={ms};desc=\"wall\", asyncprof-cpu;dur={cpuMs};desc=\"CPU of profiled calls\", " +
                   $"asyncprof-alloc;desc=\"{totals.AllocBytes.ToString(CultureInfo.InvariantCulture)} bytes allocated\"";
        }

        /// <summary>The profile with the request's context, or null and why not (too large, not writable).</summary>
        static byte[]? Json(HttpContext context, AsyncProfService service, ProfilingScope scope, string? profileId, string? traceId,
            TimeSpan duration, bool failed, ILogger logger, out string? problem)
        {
            problem = null;
            try
            {
                var json = WithRequest(scope, RequestContext(context, profileId, traceId, duration, failed));
                var max = service.Options.MaxProfileBytes;
                if (json.Length <= max) return json;
                problem = $"the profile has {json.Length} bytes, more than MaxProfileBytes ({max})";
            }
            catch (Exception e)
            {
                problem = "the profile could not be written: " + e.Message;
                logger.LogWarning(e, "AsyncProf could not write the profile of request {Request}", context.TraceIdentifier);
            }
            return null;
        }

        /// <summary>The request's part of the profile (docs/profile-schema.md, <c>request</c>).</summary>
        static JsonObject RequestContext(HttpContext context, string? profileId, string? traceId, TimeSpan duration, bool failed) => new()
        {
            ["profileId"] = profileId,
            ["method"] = context.Request.Method,
            // the path, not the query: a query string may carry what does not belong in a profile
            ["path"] = context.Request.PathBase.Add(context.Request.Path).Value,
            ["route"] = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText,
            ["status"] = failed && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode,
            ["durationNs"] = (long)(duration.Ticks * 100),
            ["traceId"] = traceId,
        };

        /// <summary>
        /// The scope's profile with <paramref name="request"/> added as its last member: the runtime writes one JSON
        /// object, reopened before its closing brace (no parse and re-serialisation of a profile of megabytes).
        /// </summary>
        static byte[] WithRequest(ProfilingScope scope, JsonObject request)
        {
            using var buffer = new MemoryStream();
            scope.WriteJson(buffer);
            var bytes = buffer.GetBuffer();
            var end = (int)buffer.Length;
            while (end > 0 && bytes[end - 1] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') end--;
            if (end == 0 || bytes[end - 1] != (byte)'}') throw new InvalidDataException("the runtime's profile is not one JSON object");
            buffer.SetLength(end - 1);
            buffer.Write(",\n\"request\":"u8);
            buffer.Write(System.Text.Encoding.UTF8.GetBytes(request.ToJsonString()));
            buffer.Write("\n}\n"u8);
            return buffer.ToArray();
        }
    }
}
