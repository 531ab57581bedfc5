namespace AsyncProf.Weaver.Discovery
{
    /// <summary>How a woven method is instrumented; also the <c>kind</c> column of the method table and the profile.</summary>
    internal enum MethodKind
    {
        Sync,
        /// <summary>An ordinary method returning an awaitable: the call lasts until what it returned completes.</summary>
        Task,
        Async,
        Iterator,
        AsyncIterator,
    }

    internal static class MethodKindNames
    {
        public static string ToTableName(this MethodKind kind) => kind switch
        {
            MethodKind.Task => "task",
            MethodKind.Async => "async",
            MethodKind.Iterator => "iterator",
            MethodKind.AsyncIterator => "async-iterator",
            _ => "sync",
        };
    }
}
