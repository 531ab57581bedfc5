namespace AsyncProf.Weaving
{
    /// <summary>How a woven method is instrumented; also the <c>kind</c> column of the method table and the profile.</summary>
    internal enum MethodKind
    {
        Sync,
        Async,
        Iterator,
        AsyncIterator,
    }

    internal static class MethodKindNames
    {
        public static string ToTableName(this MethodKind kind) => kind switch
        {
            MethodKind.Async => "async",
            MethodKind.Iterator => "iterator",
            MethodKind.AsyncIterator => "async-iterator",
            _ => "sync",
        };
    }
}
