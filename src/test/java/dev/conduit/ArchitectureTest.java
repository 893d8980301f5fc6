package dev.conduit;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/** The shape of the code: dependencies point one way, HTTP stays at the edge, SQL runs only in stores. */
@AnalyzeClasses(packages = "dev.conduit", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String[] FEATURES = {
        "dev.conduit.users..", "dev.conduit.profiles..", "dev.conduit.articles..", "dev.conduit.comments..",
        "dev.conduit.health..", "dev.conduit.docs..", "dev.conduit.web.."};
    private static final Set<String> SQL_METHODS = Set.of(
            "createQuery", "createUpdate", "createCall", "createScript", "prepareBatch", "execute", "select");

    @ArchTest
    static final ArchRule noPackageImportsAnotherInACycle =
            slices().matching("dev.conduit.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule onlyMainAndConfigSeeMainAndConfig = noClasses()
            .that().resideOutsideOfPackage("dev.conduit")
            .should().dependOnClassesThat().resideInAPackage("dev.conduit");

    @ArchTest
    static final ArchRule thePlatformKnowsNoFeature = noClasses()
            .that().resideInAPackage("dev.conduit.platform..")
            .should().dependOnClassesThat().resideInAnyPackage(FEATURES);

    @ArchTest
    static final ArchRule theDomainVocabularyDependsOnNothingOfOurs = classes()
            .that().resideInAPackage("dev.conduit.platform.domain")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.conduit.platform.domain", "java..");

    @ArchTest
    static final ArchRule observingDependsOnNothingOfOurs = classes()
            .that().resideInAPackage("dev.conduit.platform.observe")
            .should().onlyDependOnClassesThat(JavaClass.Predicates.resideOutsideOfPackage("dev.conduit..")
                    .or(JavaClass.Predicates.resideInAPackage("dev.conduit.platform.observe")));

    @ArchTest
    static final ArchRule onlyHttpCodeSpeaksHttp = noClasses()
            .that().resideOutsideOfPackage("dev.conduit.platform.http")
            .and().haveSimpleNameNotEndingWith("Routes")
            .and().doNotHaveFullyQualifiedName(Main.class.getName())
            .should().dependOnClassesThat().resideInAnyPackage("io.helidon..", "dev.conduit.platform.http..");

    @ArchTest
    static final ArchRule routesLeaveTheDatabaseToTheLogic = noClasses()
            .that().haveSimpleNameEndingWith("Routes")
            .should().dependOnClassesThat().resideInAnyPackage("org.jdbi..", "java.sql..", "dev.conduit.platform.db..");

    @ArchTest
    static final ArchRule allSqlOfAFeatureIsInItsStore = noClasses()
            .that().resideInAnyPackage(FEATURES)
            .and().haveSimpleNameNotEndingWith("Store")
            .should().callMethodWhere(describe("runs SQL on a JDBI handle", (JavaMethodCall call) ->
                    call.getTargetOwner().isAssignableTo(Handle.class) && SQL_METHODS.contains(call.getName())));
}
