namespace AsyncProf.AspNetCore
{
    /// <summary>
    /// The HTTP names the middleware and <c>asyncprof curl</c> share (compiled into both; public as
    /// <see cref="AsyncProfHeaders"/>).
    /// </summary>
    internal static class TriggerHeaders
    {
        public const string Trigger = "X-AsyncProf";
        public const string Profile = "X-AsyncProf-Profile";
        public const string Status = "X-AsyncProf-Status";
        public const string EndpointPrefix = "/_asyncprof";
    }
}
