using System.Diagnostics;
using System.Reflection;
using NUnit.Framework;

namespace AsyncProf.Tests.Runtime
{
    public class RuntimeBuildTests
    {
        [Test]
        public void The_runtime_is_optimized_whatever_configuration_builds_it()
        {
            // The tests run a Debug build; the runtime copied beside woven apps must still be optimized code.
            var debuggable = typeof(Probe).Assembly.GetCustomAttribute<DebuggableAttribute>();
            Assert.That(debuggable?.IsJITOptimizerDisabled ?? false, Is.False);
        }
    }
}
