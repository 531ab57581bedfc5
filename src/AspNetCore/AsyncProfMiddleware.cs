using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

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

        public AsyncProfMiddleware(RequestDelegate next, AsyncProfOptions options)
        {
            this.next = next;
            this.options = options;
        }

        public async Task InvokeAsync(HttpContext context)
        {
            if (!Triggered(context))
            {
                await next(context);
                return;
            }
            var fileName = $"{DateTime.UtcNow:yyyyMMdd-HHmmss-fff}-{Sanitize(context.TraceIdentifier)}{options.Extension}";
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
                scope.Stop();
                Directory.CreateDirectory(options.OutputDirectory);
                scope.Save(Path.Combine(options.OutputDirectory, fileName));
            }
        }

        bool Triggered(HttpContext context)
        {
            if (options.ShouldProfile != null) return options.ShouldProfile(context);
            if (options.Secret == null || !context.Request.Headers.TryGetValue(AsyncProfOptions.TriggerHeader, out var value)) return false;
            // constant time: the trigger must not leak the secret through response timing
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(value.ToString()), Encoding.UTF8.GetBytes(options.Secret));
        }

        static string Sanitize(string id)
        {
            var chars = id.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
                if (!char.IsLetterOrDigit(chars[i]) && chars[i] != '-') chars[i] = '_';
            return new string(chars);
        }
    }
}
