"""A corpus of cross-site scripting payloads, fed through every way content enters Folio.

Grouped by technique; every entry is a (name, payload) pair so a failure names the
payload that got through. The strings are written for this project, after the
well-known public cheat sheets (OWASP's XSS filter evasion list, PortSwigger's), and
include the markdown forms that only a markdown site has.
"""

SCRIPT_TAGS = [
    ("script", "<script>alert(1)</script>"),
    ("script-upper", "<SCRIPT>alert(1)</SCRIPT>"),
    ("script-mixed-src", '<ScRiPt src="https://evil.example/x.js"></sCrIpT>'),
    ("script-slash", "<script/x>alert(1)</script>"),
    ("script-unclosed", "<script>alert(1)"),
    ("script-nested", "<scr<script>ipt>alert(1)</scr</script>ipt>"),
    ("script-in-attr-break", '"><script>alert(1)</script>'),
    ("script-in-title-break", "</title><script>alert(1)</script>"),
    ("script-in-textarea-break", "</textarea><script>alert(1)</script>"),
    ("script-null-byte", "<scr\x00ipt>alert(1)</script>"),
    ("script-json-ld-break", '</script><script type="application/ld+json">{}</script>'),
    ("script-html-comment", "<!--<script>alert(1)</script>-->"),
    ("script-cdata", "<![CDATA[<script>alert(1)</script>]]>"),
]

EVENT_HANDLERS = [
    ("img-onerror", "<img src=x onerror=alert(1)>"),
    ("img-onerror-quoted", '<img src="x" onerror="alert(1)">'),
    ("img-onerror-upper", "<IMG SRC=x ONERROR=alert(1)>"),
    ("img-onerror-slash", "<img/src=x/onerror=alert(1)>"),
    ("img-onerror-newline", "<img src=x\nonerror\n=\nalert(1)>"),
    ("body-onload", "<body onload=alert(1)>"),
    ("div-onmouseover", '<div onmouseover="alert(1)">hover</div>'),
    ("a-onclick", '<a href="#" onclick="alert(1)">click</a>'),
    ("details-ontoggle", "<details open ontoggle=alert(1)><summary>x</summary></details>"),
    ("input-onfocus", "<input autofocus onfocus=alert(1)>"),
    ("video-onerror", "<video><source onerror=alert(1)></video>"),
    ("audio-onerror", "<audio src=x onerror=alert(1)>"),
    ("marquee-onstart", "<marquee onstart=alert(1)>x</marquee>"),
    ("select-onfocus", "<select autofocus onfocus=alert(1)></select>"),
    ("span-onanimationstart", '<span style="animation:x" onanimationstart=alert(1)>x</span>'),
    ("table-background", '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>'),
]

DANGEROUS_URLS = [
    ("a-javascript", '<a href="javascript:alert(1)">x</a>'),
    ("a-javascript-upper", '<a href="JAVASCRIPT:alert(1)">x</a>'),
    ("a-javascript-mixed", '<a href="JaVaScRiPt:alert(1)">x</a>'),
    ("a-javascript-tab", '<a href="java\tscript:alert(1)">x</a>'),
    ("a-javascript-newline", '<a href="java\nscript:alert(1)">x</a>'),
    ("a-javascript-leading-space", '<a href="  javascript:alert(1)">x</a>'),
    ("a-javascript-control-char", '<a href="\x01javascript:alert(1)">x</a>'),
    (
        "a-javascript-decimal-entities",
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    ),
    (
        "a-javascript-hex-entities",
        '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
    ),
    (
        "a-javascript-padded-entities",
        '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>',
    ),
    ("a-javascript-named-entity-colon", '<a href="javascript&colon;alert(1)">x</a>'),
    ("a-javascript-entity-tab", '<a href="jav&#x09;ascript:alert(1)">x</a>'),
    ("a-vbscript", '<a href="vbscript:msgbox(1)">x</a>'),
    ("a-vbscript-upper", '<a href="VBScript:msgbox(1)">x</a>'),
    ("a-data-html", '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>'),
    ("a-data-upper", '<a href="DATA:text/html,<script>alert(1)</script>">x</a>'),
    ("img-src-javascript", '<img src="javascript:alert(1)">'),
    ("img-src-data-svg", '<img src="data:image/svg+xml,<svg onload=alert(1)>">'),
    ("a-unquoted-javascript", "<a href=javascript:alert(1)>x</a>"),
]

SVG_AND_MATHML = [
    ("svg-onload", "<svg onload=alert(1)>"),
    ("svg-script", "<svg><script>alert(1)</script></svg>"),
    (
        "svg-a-xlink",
        '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    ),
    ("svg-animate", '<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>'),
    (
        "svg-foreignobject",
        "<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>",
    ),
    (
        "math-href",
        '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
    ),
    ("math-mtext-mglyph", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"),
]

MUTATION_XSS = [
    ("mxss-noscript", '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'),
    ("mxss-svg-style", '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">'),
    ("mxss-math-style", "<math><style><img src=x onerror=alert(1)></style></math>"),
    ("mxss-template", "<template><img src=x onerror=alert(1)></template>"),
    ("mxss-xmp", '<xmp><p title="</xmp><img src=x onerror=alert(1)>">'),
    ("mxss-comment-attr", "<!--><img src=x onerror=alert(1)>-->"),
    ("mxss-backtick", "<img src=`x`onerror=alert(1)>"),
]

CSS = [
    ("css-expression", '<div style="width: expression(alert(1))">x</div>'),
    ("css-url-javascript", '<div style="background:url(javascript:alert(1))">x</div>'),
    ("style-tag-import", "<style>@import 'https://evil.example/x.css';</style>"),
    ("style-tag-behavior", "<style>body{behavior:url(x.htc)}</style>"),
    ("link-stylesheet", '<link rel="stylesheet" href="https://evil.example/x.css">'),
]

FORMS_AND_EMBEDS = [
    ("form-action", '<form action="javascript:alert(1)"><button>x</button></form>'),
    ("button-formaction", '<form><button formaction="javascript:alert(1)">x</button></form>'),
    ("input-formaction", '<input type="submit" formaction="javascript:alert(1)">'),
    ("iframe-javascript", '<iframe src="javascript:alert(1)"></iframe>'),
    ("iframe-srcdoc", '<iframe srcdoc="<script>alert(1)</script>"></iframe>'),
    ("object-data", '<object data="javascript:alert(1)"></object>'),
    ("embed-src", '<embed src="data:text/html,<script>alert(1)</script>">'),
    ("base-href", '<base href="https://evil.example/">'),
    ("meta-refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'),
    ("frameset", '<frameset><frame src="javascript:alert(1)"></frameset>'),
]

MARKDOWN = [
    ("md-link-javascript", "[click](javascript:alert(1))"),
    ("md-link-javascript-upper", "[click](JAVASCRIPT:alert(1))"),
    ("md-link-entity", "[click](&#106;avascript:alert(1))"),
    ("md-link-angle", "[click](<javascript:alert(1)>)"),
    ("md-link-vbscript", "[click](vbscript:msgbox(1))"),
    ("md-link-data", "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    ("md-link-title-break", '[x](https://example.com "title\\" onmouseover=\\"alert(1)")'),
    ("md-image-javascript", "![alt](javascript:alert(1))"),
    ("md-image-onerror-alt", '![x" onerror="alert(1)](https://example.com/x.png)'),
    ("md-image-data", "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)"),
    ("md-reference-link", "[click][evil]\n\n[evil]: javascript:alert(1)"),
    ("md-reference-image", '![x][evil]\n\n[evil]: javascript:alert(1) "t"'),
    ("md-autolink-javascript", "<javascript:alert(1)>"),
    ("md-autolink-data", "<data:text/html,<script>alert(1)</script>>"),
    ("md-autolink-mail", "<mailto:a@b.c?body=<script>alert(1)</script>>"),
    ("md-code-span-safe", "`<script>alert(1)</script>`"),
    ("md-fenced-html", "```html\n<script>alert(1)</script>\n```"),
    ("md-html-block", "<div>\n\n<script>alert(1)</script>\n\n</div>"),
    ("md-link-text-html", "[<img src=x onerror=alert(1)>](https://example.com)"),
    ("md-heading-html", "## <img src=x onerror=alert(1)> heading"),
]

PAYLOADS = (
    (SCRIPT_TAGS + EVENT_HANDLERS + DANGEROUS_URLS + SVG_AND_MATHML + MUTATION_XSS + CSS)
    + FORMS_AND_EMBEDS
    + MARKDOWN
)
