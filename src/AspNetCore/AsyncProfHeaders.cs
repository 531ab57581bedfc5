namespace AsyncProf.AspNetCore
{
    /// <summary>The HTTP names the middleware and <c>asyncprof curl</c> share.</summary>
    public static class AsyncProfHeaders
    {
        /// <summary>The request header carrying a signed trigger token (docs/aspnetcore.md).</summary>
        public const string Trigger = TriggerHeaders.Trigger;

        /// <summary>The response header naming the id of a profiled request's profile.</summary>
        public const string Profile = TriggerHeaders.Profile;

        /// <summary>
        /// Why a request signed with the right key was not profiled (busy, ...), or why the profile endpoint refused.
        /// Never sent in answer to a token that does not verify on an app path: such a request is served as if
        /// untriggered. Under <see cref="EndpointPrefix"/> a refused token gets 401 with the reason here.
        /// </summary>
        public const string Status = TriggerHeaders.Status;

        /// <summary>The path under which the middleware answers signed requests: profiles/{id}, status.</summary>
        public const string EndpointPrefix = TriggerHeaders.EndpointPrefix;
    }
}
