using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace AsyncProf.AspNetCore
{
    /// <summary>
    /// The hot path of every request: one branch and one header lookup (and, with a SampleRate, one random number),
    /// no allocation, unless the request carries a trigger token. A token that verifies profiles the request alone (<see cref="ProfiledRequest"/>) or, under
    /// /_asyncprof/, is an endpoint call (<see cref="ProfileEndpoint"/>); one that does not is dropped and the
    /// request is served exactly as if it had none.
    /// </summary>
    internal sealed class AsyncProfMiddleware
    {
        readonly RequestDelegate next;
        readonly AsyncProfService service;
        readonly TriggerVerifier? verifier;
        readonly double sampleRate;
        readonly ILogger logger;

        public AsyncProfMiddleware(RequestDelegate next, AsyncProfService service, ILogger<AsyncProfMiddleware> logger)
        {
            this.next = next;
            this.service = service;
            verifier = service.Verifier;
            sampleRate = service.Options.SampleRate;
            this.logger = logger;
        }

        public Task InvokeAsync(HttpContext context)
        {
            if (verifier != null && context.Request.Headers.TryGetValue(AsyncProfHeaders.Trigger, out var token)) return Triggered(context, token);
            if (sampleRate > 0 && Random.Shared.NextDouble() < sampleRate) return ProfiledRequest.Run(context, next, service, logger, sampled: true);
            return next(context);
        }

        Task Triggered(HttpContext context, StringValues token)
        {
            // the token never travels further (proxies, header propagation, the app's own logs)
            context.Request.Headers.Remove(AsyncProfHeaders.Trigger);
            string? nonce = null;
            var rejection = token.Count == 1 ? verifier!.Verify(token[0], context.Request.Method, TargetOf(context), out nonce) : TriggerRejection.Malformed;
            if (context.Request.Path.StartsWithSegments(AsyncProfHeaders.EndpointPrefix))
                return ProfileEndpoint.Serve(context, service, rejection);
            if (rejection != TriggerRejection.None)
            {
                logger.LogDebug("AsyncProf: a trigger token was not accepted ({Reason}); the request is served unprofiled", rejection);
                return next(context);
            }
            return ProfiledRequest.Run(context, next, service, logger, profileId: nonce);
        }

        /// <summary>The path and query exactly as the request line carried them: what the client signed.</summary>
        static string TargetOf(HttpContext context)
        {
            var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
            if (!string.IsNullOrEmpty(raw) && raw[0] == '/') return raw;
            var request = context.Request;
            return request.PathBase.ToUriComponent() + request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
        }
    }
}
