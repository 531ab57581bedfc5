using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace AsyncProf.AspNetCore
{
    /// <summary>
    /// /_asyncprof/: answers only requests that carry a trigger token (others never get here: they go to the app,
    /// which knows no such path). A token that does not verify gets 401; with a good one,
    /// <c>GET /_asyncprof/status</c> says profiling is on and <c>GET /_asyncprof/profiles/{id}</c> serves a profile
    /// triggered with the same key, waiting for it while its request is still running.
    /// </summary>
    internal static class ProfileEndpoint
    {
        const string ProfilesPrefix = AsyncProfHeaders.EndpointPrefix + "/profiles/";

        public static Task Serve(HttpContext context, AsyncProfService service, TriggerRejection rejection)
        {
            var response = context.Response;
            response.Headers.CacheControl = "no-store";
            if (rejection != TriggerRejection.None)
                return Answer(context, StatusCodes.Status401Unauthorized, rejection == TriggerRejection.WrongKey
                    ? "refused: the token is not signed with this server's key"
                    : "refused: the token does not verify (altered, expired, reused or malformed)");
            if (!HttpMethods.IsGet(context.Request.Method))
                return Answer(context, StatusCodes.Status405MethodNotAllowed, "only GET is served here");
            var path = context.Request.Path.Value ?? "";
            if (path == AsyncProfHeaders.EndpointPrefix + "/status")
                return Answer(context, StatusCodes.Status200OK, "on: key " + service.Verifier!.KeyId);
            if (path.StartsWith(ProfilesPrefix, StringComparison.Ordinal))
                return ServeProfile(context, service, path.Substring(ProfilesPrefix.Length));
            return Answer(context, StatusCodes.Status404NotFound, "no such AsyncProf endpoint (status, profiles/{id})");
        }

        static async Task ServeProfile(HttpContext context, AsyncProfService service, string id)
        {
            var entry = service.Store.Find(id);
            if (entry == null || entry.KeyId != service.Verifier!.KeyId)
            {
                await Answer(context, StatusCodes.Status404NotFound, $"no profile {Shorten(id)} (never made, or evicted from the store)");
                return;
            }
            // the response named the id before its request finished; give the request time to end
            var wait = service.Options.MaxDuration + TimeSpan.FromSeconds(10);
            if (await Task.WhenAny(entry.Done, Task.Delay(wait, context.RequestAborted)) != entry.Done)
            {
                await Answer(context, StatusCodes.Status503ServiceUnavailable, $"profile {id} is still recording");
                return;
            }
            if (entry.Json == null)
            {
                await Answer(context, StatusCodes.Status410Gone, $"profile {id} was not kept: {entry.Refusal}");
                return;
            }
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = entry.Json.Length;
            await context.Response.Body.WriteAsync(entry.Json, context.RequestAborted);
        }

        /// <summary>A status and its reason, in the body and in X-AsyncProf-Status (which <c>asyncprof curl</c> prints).</summary>
        static Task Answer(HttpContext context, int status, string reason)
        {
            context.Response.StatusCode = status;
            context.Response.Headers[AsyncProfHeaders.Status] = reason;
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync("asyncprof: " + reason + "\n");
        }

        static string Shorten(string id) => id.Length > 40 ? id.Substring(0, 40) + "..." : id;
    }
}
