package engine

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"strings"
	"text/template"

	"github.com/mosaic-lowcode/mosaic/store"
)

// note: e-mail templates ship in the binary, one file per template and
// language (mailtemplates/<lang>/<name>.txt): a "Subject: …" line, a blank
// line, then the body, as Go text/template over the message's variables
// ({{.form}}, {{.record}}, {{.message}}, {{.link}}, …). Chinese is the
// default language; a user whose attribute lang (or language) starts with
// "en" gets English.

//go:embed mailtemplates
var mailTemplateFiles embed.FS

// Mail languages.
const (
	LangZh = "zh"
	LangEn = "en"
)

// mailTemplates holds every template, by language then name.
type mailTemplates map[string]map[string]*template.Template

func loadMailTemplates() (mailTemplates, error) {
	out := mailTemplates{}
	err := fs.WalkDir(mailTemplateFiles, "mailtemplates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := mailTemplateFiles.ReadFile(p)
		if err != nil {
			return err
		}
		lang, name := path.Base(path.Dir(p)), strings.TrimSuffix(path.Base(p), ".txt")
		t, err := template.New(name).Option("missingkey=zero").Parse(string(b))
		if err != nil {
			return fmt.Errorf("e-mail template %s: %w", p, err)
		}
		if out[lang] == nil {
			out[lang] = map[string]*template.Template{}
		}
		out[lang][name] = t
		return nil
	})
	return out, err
}

// render writes template name in lang (Chinese when lang has none) with
// vars, and splits it into subject and body.
func (m mailTemplates) render(lang, name string, vars map[string]string) (subject, body string, err error) {
	t := m[lang][name]
	if t == nil {
		t = m[LangZh][name]
	}
	if t == nil {
		return "", "", fmt.Errorf("there is no e-mail template %q", name)
	}
	v := maps.Clone(vars)
	if lang != LangEn {
		v["decision_zh"], v["outcome_zh"] = decisionWords[v["decision"]], decisionWords[v["outcome"]]
	}
	var b bytes.Buffer
	if err := t.Execute(&b, v); err != nil {
		return "", "", err
	}
	head, rest, ok := strings.Cut(b.String(), "\n\n")
	subject, found := strings.CutPrefix(head, "Subject: ")
	if !ok || !found {
		return "", "", fmt.Errorf("e-mail template %s/%s does not start with a Subject line and a blank line", lang, name)
	}
	return strings.TrimSpace(subject), strings.TrimLeft(rest, "\n"), nil
}

// decisionWords are the Chinese words of decisions and outcomes.
var decisionWords = map[string]string{
	"approved": "已同意", "rejected": "已驳回", "returned": "已退回", "withdrawn": "已撤回",
	"cancelled": "已取消", "transferred": "已转交", "delegated": "已委托",
}

// mailLanguage is the language u reads e-mail in: the user's lang (or
// language) attribute, otherwise the configured default.
func (e *Engine) mailLanguage(u *store.User) string {
	if u != nil {
		var attrs map[string]any
		_ = json.Unmarshal([]byte(u.Attributes), &attrs)
		for _, k := range []string{"lang", "language"} {
			if s, ok := attrs[k].(string); ok {
				switch s = strings.ToLower(s); {
				case strings.HasPrefix(s, LangEn):
					return LangEn
				case strings.HasPrefix(s, LangZh):
					return LangZh
				}
			}
		}
	}
	if e.cfg.SMTP.Language == LangEn {
		return LangEn
	}
	return LangZh
}
