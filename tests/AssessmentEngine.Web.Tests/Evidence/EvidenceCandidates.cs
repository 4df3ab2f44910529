using System.Net;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Enrolments.Enrolling;
using AssessmentEngine.Web.Features.Enrolments.Windows;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.ItemBank.Importing;
using AssessmentEngine.Web.Tests.Infrastructure;
using AssessmentEngine.Web.Tests.ItemBank;
using Marten;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Evidence;

/// <summary>A candidate enrolled on a unit with a window agreed from today, signed in, and the page of the brief they answer.</summary>
public sealed record EnrolledCandidate(Candidate Candidate, Enrolment Enrolment, PageClient Browser, string Page);

/// <summary>Candidates ready to submit evidence for 305/695's portfolio report (a brief with a word range).</summary>
public static class EvidenceCandidates
{
    public const string Brief = "cg-305-695-portfolio-report";
    public const string Unit = "305/695";
    private static readonly Acting Officer = new("officer@example.org", "192.0.2.1");

    /// <summary>Imports the unit's folder from the repository, unless the database has it.</summary>
    public static Task ImportAsync(IDocumentStore store) => ImportAsync(store, Unit, "cg-305-695");

    /// <summary>Imports the item-bank folders from the repository, unless the database has <paramref name="unitCode"/> (the first of them).</summary>
    public static async Task ImportAsync(IDocumentStore store, string unitCode, params string[] folders)
    {
        await using var query = store.QuerySession();
        if (await query.LoadAsync<BankUnit>(unitCode) is null)
        {
            var bank = AssessmentEngine.ItemBank.ItemBankLoader.Load([.. folders.Select(f => Path.Combine(BankFolder.RepositoryRoot, "itembank", f))], BankFolder.RepositoryRoot);
            await ImportItemBank.RunAsync(store, bank, retireMissing: true, ImportRights.Platform, _ => "test", "test", TimeProvider.System);
        }
    }

    public static PageClient Client(EngineFactory engine) => new(engine.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));

    public static async Task<EnrolledCandidate> EnrolledAsync(EngineFactory engine, Centre centre, string number, DateOnly today)
    {
        var (candidate, enrolment) = await EnrolAsync(engine, centre, number, today);
        var browser = await SignedInAsync(engine, centre, number);
        return new EnrolledCandidate(candidate, enrolment, browser, PageOf(enrolment));
    }

    public static string PageOf(Enrolment enrolment) => $"/candidate/evidence/{enrolment.Id}/{Brief}";

    /// <summary>The candidate and their enrolment, not signed in (a browser test signs in through the page).</summary>
    public static async Task<(Candidate Candidate, Enrolment Enrolment)> EnrolAsync(EngineFactory engine, Centre centre, string number, DateOnly today)
    {
        var store = engine.Services.GetRequiredService<IDocumentStore>();
        var candidate = await Centres.CandidateAsync(store, centre, number);
        using var scope = engine.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<EnrolCandidates>().HandleAsync(centre.Id, Unit, [candidate.Id], Officer);
        await using var query = store.QuerySession();
        var enrolment = await query.Query<Enrolment>().SingleAsync(e => e.CandidateId == candidate.Id);
        enrolment = await scope.ServiceProvider.GetRequiredService<AgreeWindow>().HandleAsync(centre.Id, enrolment.Id, today, "Ann Assessor and the candidate", Officer);
        return (candidate, enrolment);
    }

    public static async Task<PageClient> SignedInAsync(EngineFactory engine, Centre centre, string number)
    {
        var browser = Client(engine);
        using var signedIn = await browser.SignInAsCandidateAsync(centre.Number, number, Centres.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return browser;
    }

    /// <summary>A member of staff of <paramref name="centre"/> holding <paramref name="roles"/>, signed in.</summary>
    public static async Task<(PageClient Browser, UserAccount Account)> StaffAsync(EngineFactory engine, Centre centre, string email, params Role[] roles)
    {
        var account = await Centres.StaffAsync(engine.Services.GetRequiredService<IDocumentStore>(), centre, email, roles);
        var browser = Client(engine);
        using var signedIn = await browser.SignInAsStaffAsync(account.SignInName, Centres.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return (browser, account);
    }

    /// <summary>Submits the draft with the declaration as the page's form does; the page the browser lands on (after the redirect) or the refusal.</summary>
    public static async Task<string> SubmitAsync(PageClient browser, string page)
    {
        using var response = await browser.PostFormAsync(page, $"{page}?handler=Submit", [new("declared", "true")]);
        return response.StatusCode == HttpStatusCode.Redirect
            ? await browser.GetPageAsync(response.Headers.Location!.OriginalString)
            : await response.Content.ReadAsStringAsync();
    }
}
