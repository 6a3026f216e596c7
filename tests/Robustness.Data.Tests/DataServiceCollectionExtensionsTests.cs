using Microsoft.Extensions.DependencyInjection;

namespace Robustness.Data.Tests;

public sealed class DataServiceCollectionExtensionsTests
{
    [Test]
    public void AddRobustnessData_RegistersConfiguredOptionsOnce()
    {
        var services = new ServiceCollection();

        var returned = services.AddRobustnessData(o =>
        {
            o.DataDirectory = "/data";
            o.DefaultSeed = 17;
        });
        services.AddRobustnessData(o => o.DefaultSeed = 99);

        Assert.That(returned, Is.SameAs(services));
        var registrations = services.Where(d => d.ServiceType == typeof(DataOptions)).ToArray();
        Assert.That(registrations, Has.Length.EqualTo(1));
        Assert.That(registrations[0].Lifetime, Is.EqualTo(ServiceLifetime.Singleton));
        var options = (DataOptions)registrations[0].ImplementationInstance!;
        Assert.That(options.DataDirectory, Is.EqualTo("/data"));
        Assert.That(options.DefaultSeed, Is.EqualTo(17UL));
    }

    [Test]
    public void AddRobustnessData_Throws_WhenServicesIsNull()
    {
        Assert.That(() => DataServiceCollectionExtensions.AddRobustnessData(null!), Throws.ArgumentNullException);
    }
}
