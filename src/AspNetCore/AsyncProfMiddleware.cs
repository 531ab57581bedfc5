using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AsyncProf.AspNetCore
{
    /// <summary>
    /// Profiles a triggered request alone: a scope records the request's execution-context flow (the rest of the
    /// pipeline, what it awaits and queues), while concurrent requests record nothing.
    /// </summary>
    internal sealed class AsyncProfMiddleware
    {
        readonly RequestDelegate next;
        readonly AsyncProfOptions options;
        readonly ILogger logger;

        public AsyncProfMiddleware(RequestDelegate next, AsyncProfOptions options, ILogger<AsyncProfMiddleware> logger)
        {
            this.next = next;
            this.options = options;
            this.logger = logger;
        }

        public async Task InvokeAsync(HttpContext context)
        {
            if (!Triggered(context))
            {
                await next(context);
                return;
            }
            var fileName = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", System.Globalization.CultureInfo.InvariantCulture)
                           + "-" + Sanitize(context.TraceIdentifier) + options.Extension;
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[AsyncProfOptions.ProfileHeader] = fileName;
                return Task.CompletedTask;
            });
            var scope = Profiler.StartScope();
            try
            {
                await next(context);
            }
            finally
            {
                // profiling must never break the request it profiles: a profile that cannot be written is logged
                try
                {
                    scope.Stop();
                    Directory.CreateDirectory(options.OutputDirectory);
                    scope.Save(Path.Combine(options.OutputDirectory, fileName));
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "AsyncProf could not write the profile {File} of request {Request}", fileName, context.TraceIdentifier);
                }
            }
        }

        bool Triggered(HttpContext context)
        {
            var headers = context.Request.Headers;
            var carried = headers.TryGetValue(AsyncProfOptions.TriggerHeader, out var value);
            headers.Remove(AsyncProfOptions.TriggerHeader); // the secret never travels further (proxies, header propagation)
            if (options.ShouldProfile != null)
            {
                try { return options.ShouldProfile(context); }
                catch (Exception e)
                {
                    logger.LogWarning(e, "AsyncProf: ShouldProfile threw; request {Request} is not profiled", context.TraceIdentifier);
                    return false;
                }
            }
            if (!carried || string.IsNullOrEmpty(options.Secret)) return false;
            // constant time: the trigger must not leak the secret through response timing
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(value.ToString()), Encoding.UTF8.GetBytes(options.Secret));
        }

        static string Sanitize(string id)
        {
            if (id.Length > 64) id = id.Substring(0, 64); // a propagated correlation id can be long
            var chars = id.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
                if (!char.IsLetterOrDigit(chars[i]) && chars[i] != '-') chars[i] = '_';
            return new string(chars);
        }
    }
}
