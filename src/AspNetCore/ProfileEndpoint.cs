using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace AsyncProf.AspNetCore
{
    /// <summary>
    /// /_asyncprof/: answers only requests that carry a trigger token (others never get here: they go to the app,
    /// which knows no such path). A token that does not verify gets 401 saying whether the key is wrong (so
    /// <c>asyncprof curl</c> can tell a wrong key from a server without AsyncProf; key ids are not secret, they travel
    /// in every token); with a good one,
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
            {
                response.Headers.WWWAuthenticate = "AsyncProf";
                return Answer(context, StatusCodes.Status401Unauthorized, rejection == TriggerRejection.WrongKey
                    ? "refused: the token is not signed with this server's key"
                    : "refused: the token does not verify (altered, expired, reused or malformed)");
            }
            if (!HttpMethods.IsGet(context.Request.Method))
            {
                response.Headers.Allow = "GET";
                return Answer(context, StatusCodes.Status405MethodNotAllowed, "only GET is served here");
            }
            var path = context.Request.Path.Value ?? "";
            // the middleware matched the prefix case-insensitively, as ASP.NET Core matches paths
            if (string.Equals(path, AsyncProfHeaders.EndpointPrefix + "/status", StringComparison.OrdinalIgnoreCase))
                return Answer(context, StatusCodes.Status200OK, "on: key " + service.Verifier!.KeyId);
            if (path.StartsWith(ProfilesPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var id = path.Substring(ProfilesPrefix.Length);
                // ids are hex or base64url; anything else is named in no reason header (Kestrel refuses control or non-ASCII characters there)
                return IsId(id) ? ServeProfile(context, service, id) : Answer(context, StatusCodes.Status404NotFound, "no profile by that id (ids are letters, digits, - and _)");
            }
            return Answer(context, StatusCodes.Status404NotFound, "no such AsyncProf endpoint (status, profiles/{id})");
        }

        static async Task ServeProfile(HttpContext context, AsyncProfService service, string id)
        {
            var entry = service.Store.Find(id);
            if (entry == null)
            {
                await Answer(context, StatusCodes.Status404NotFound, $"no profile {id} (never made, or evicted from the store)");
                return;
            }
            // the response named the id before its request finished; give the request time to end
            var wait = service.Options.MaxDuration + TimeSpan.FromSeconds(10);
            try
            {
                await entry.Done.WaitAsync(wait, context.RequestAborted);
            }
            catch (TimeoutException)
            {
                await Answer(context, StatusCodes.Status503ServiceUnavailable, $"profile {id} is still recording");
                return;
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                return; // the client went away: nobody reads an answer
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

        static bool IsId(string id)
        {
            if (id.Length == 0 || id.Length > 64) return false;
            foreach (var c in id)
                if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '_')) return false;
            return true;
        }
    }
}
