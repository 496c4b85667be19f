import OrderDesk
import Testing

@Suite struct PathTextTests {
    @Test(arguments: [
        ("s", ""), ("ab", ""), ("./s", "."), ("/s", "/"), ("/", "/"), ("a/b/c", "a/b"), ("a/b/", "a"), ("/tmp/x.html", "/tmp"), ("", ""),
    ])
    func theParentOfAPath(path: String, parent: String) {
        #expect(PathText.parent(of: path) == parent)
    }
}
