package report

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
)

// Formats of Render, by file extension.
const (
	FormatMarkdown = "md"
	FormatJSON     = "json"
	FormatCSV      = "csv"
	FormatHTML     = "html"
)

// AllFormats lists every format, in the order files are written.
func AllFormats() []string { return []string{FormatMarkdown, FormatJSON, FormatCSV, FormatHTML} }

// contentTypes are the media types of the formats.
var contentTypes = map[string]string{
	FormatMarkdown: "text/markdown; charset=utf-8",
	FormatJSON:     "application/json",
	FormatCSV:      "text/csv; charset=utf-8",
	FormatHTML:     "text/html; charset=utf-8",
}

// Render returns the report in one format with default options.
func Render(r *Report, format string) ([]byte, error) {
	var b bytes.Buffer
	var err error
	switch format {
	case FormatMarkdown:
		err = Markdown(&b, r, MarkdownOptions{})
	case FormatJSON:
		err = JSON(&b, r)
	case FormatCSV:
		err = CSV(&b, r)
	case FormatHTML:
		err = HTML(&b, r, HTMLOptions{})
	default:
		return nil, fmt.Errorf("rendering report: unknown format %q (want md, json, csv or html)", format)
	}
	return b.Bytes(), err
}

// WriteFiles writes the report in each format to dir as NAME.EXT and
// returns the paths written.
func WriteFiles(dir, name string, r *Report, formats []string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating report directory: %w", err)
	}
	var paths []string
	for _, f := range formats {
		data, err := Render(r, f)
		if err != nil {
			return paths, err
		}
		p := filepath.Join(dir, name+"."+f)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return paths, fmt.Errorf("writing report file: %w", err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// KeyPrefix is the first part of every report object key.
const KeyPrefix = "orgbackup/reports/"

// ObjectKey returns the S3 key of a report file:
// orgbackup/reports/YYYY/MM/DD/NAME.EXT, the date being the report's
// generation time in UTC. Keys of one day sort together and a bucket
// lifecycle rule can expire the prefix.
func ObjectKey(at time.Time, name, format string) string {
	return KeyPrefix + at.UTC().Format("2006/01/02") + "/" + name + "." + format
}

// Upload writes the report in each format to bucket with S3 PutObject,
// under ObjectKey(r.GeneratedAt, name, format), and returns the keys.
func Upload(ctx context.Context, api S3API, bucket, name string, r *Report, formats []string) ([]string, error) {
	var keys []string
	for _, f := range formats {
		data, err := Render(r, f)
		if err != nil {
			return keys, err
		}
		key := ObjectKey(r.GeneratedAt, name, f)
		_, err = api.PutObject(ctx, &awss3.PutObjectInput{
			Bucket:      aws.String(bucket),
			Key:         aws.String(key),
			Body:        bytes.NewReader(data),
			ContentType: aws.String(contentTypes[f]),
		})
		if err != nil {
			return keys, fmt.Errorf("uploading report to s3://%s/%s: %w", bucket, key, err)
		}
		keys = append(keys, key)
	}
	return keys, nil
}
