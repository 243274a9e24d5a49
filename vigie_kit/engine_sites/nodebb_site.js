/*
 * Populate a fresh NodeBB 1.4.0 site through NodeBB's own modules (run by vigie_kit/real_nodebb.py
 * with node, the site's directory as argument: `node nodebb_site.js SITE_DIR < site.json > truth.json`;
 * `node nodebb_site.js SITE_DIR reply < reply.json`: one more post in a topic of the running site).
 *
 * NodeBB is a Node.js forum on Redis (or MongoDB): categories, topics, posts. This script loads
 * the site's config.json the way NodeBB's app.js does, opens its database, and writes the
 * synthetic content (vigie_kit.real_engines.site_content) with `user.create`, `categories.create`,
 * `topics.post` (the first post) and `topics.reply`, each at the time the content gives; then
 * one post is edited by another user (`posts.edit`), one user signs her posts
 * (`user.setUserField(uid, 'signature')`: shown under each, no part of them), and one reply
 * quotes an earlier post (as NodeBB's composer writes a quote: a Markdown blockquote). Page sizes
 * through NodeBB's settings (`meta.configs.setMultiple`). The truth (what NodeBB stored, read
 * back with `posts.getPostFields`/`topics.getTopicFields`) is printed as JSON rows.
 */
'use strict';

var path = require('path');
var fs = require('fs');

var site = path.resolve(process.argv[2]);
function need(name) {
	return require(path.join(site, name));
}
var nconf = need('node_modules/nconf');
var async = need('node_modules/async');

nconf.file({ file: path.join(site, 'config.json') });
nconf.defaults({
	base_dir: site,
	themes_path: path.join(site, 'node_modules'),
	views_dir: path.join(site, 'public/templates'),
	upload_path: '/public/uploads',
	upload_url: '/uploads',  // as app.js's start() derives it from upload_path
	relative_path: '',
	version: need('package.json').version,
});
nconf.set('isPrimary', 'true');
nconf.set('isCluster', 'false');
// NodeBB logs to stdout through winston: the truth is the only thing this script prints there
need('node_modules/winston').remove(need('node_modules/winston').transports.Console);

var db = need('src/database');
var spec = JSON.parse(fs.readFileSync(0, 'utf8'));

function done(err) {
	if (err) {
		process.stderr.write('nodebb_site: ' + (err.stack || err) + '\n');
		process.exit(1);
	}
	process.exit(0);
}

// a post's files saved as NodeBB's upload controller saves them (`file.saveFileToLocal` under
// public/uploads/files, named `<time>-<name>`), linked at the end of its text as NodeBB's composer
// links an uploaded file: `[name](url)`
function attach(post, at, callback) {
	var file = need('src/file');
	post.stored = [];
	async.eachSeries(post.files || [], function (upload, next) {
		var temp = path.join(site, '..', 'upload-' + at);
		fs.writeFileSync(temp, upload.content, { mode: 384 });
		file.saveFileToLocal(at + '-' + upload.name, 'files', temp, function (err, saved) {
			if (err) {
				return next(err);
			}
			fs.unlinkSync(temp);
			post.stored.push(path.basename(saved.path));
			post.body += '\n\n[' + upload.name + '](' + nconf.get('relative_path') + saved.url + ')';
			next();
		});
	}, callback);
}

// what NodeBB stored of each post of `pids`, as the truth rows vigie_kit/real_nodebb.py reads
// (`keys`, `files`: the content's key and the stored files of the posts this script wrote)
function truth(pids, keys, files, callback) {
	var posts = need('src/posts');
	var topics = need('src/topics');
	var user = need('src/user');
	var categories = need('src/categories');
	async.mapSeries(pids, function (pid, next) {
		posts.getPostFields(pid, ['pid', 'uid', 'tid', 'timestamp', 'content'], function (err, post) {
			if (err) {
				return next(err);
			}
			async.parallel({
				topic: async.apply(topics.getTopicFields, post.tid, ['slug', 'title', 'cid']),
				author: async.apply(user.getUserField, post.uid, 'username'),
			}, function (err, got) {
				if (err) {
					return next(err);
				}
				categories.getCategoryField(got.topic.cid, 'name', function (err, board) {
					var key = keys[pid] || null;
					next(err, { key: key, id: parseInt(post.pid, 10), author: got.author, board: board,
						posted_at: new Date(parseInt(post.timestamp, 10)).toISOString(),
						thread: got.topic.title, thread_url: '/topic/' + got.topic.slug, files: files[pid] || [],
						// a post of the engine's own: its first line as the excerpt (a Markdown heading's text)
						excerpt: key ? null : post.content.split('\n')[0].replace(/^#+\s*/, '') });
				});
			});
		});
	}, callback);
}

// `reply`: one more post in a topic of a running site, as its author (the reply a later crawl must find)
function reply(callback) {
	var user = need('src/user');
	var topics = need('src/topics');
	user.getUidByUsername(spec.author, function (err, uid) {
		if (err) {
			return callback(err);
		}
		topics.reply({ uid: uid, tid: spec.tid, content: spec.body, timestamp: Date.parse(spec.date) }, function (err, postData) {
			if (err) {
				return callback(err);
			}
			var keys = {};
			keys[postData.pid] = spec.key;
			truth([postData.pid], keys, {}, callback);
		});
	});
}

db.init(function (err) {
	if (err) {
		return done(err);
	}
	if (process.argv[3] === 'reply') {
		return reply(function (err, rows) {
			if (err) {
				return done(err);
			}
			process.stdout.write(JSON.stringify(rows), function () { done(); });
		});
	}
	var meta = need('src/meta');
	var user = need('src/user');
	var categories = need('src/categories');
	var topics = need('src/topics');
	var posts = need('src/posts');
	var uids = { admin: 1 };  // the admin NodeBB's setup made
	var cids = [];
	var rows = [];
	var byKey = {};
	async.series([
		function (next) { meta.configs.init(next); },
		// emoji-one fetches its images from the web at the server's first start (and stops the
		// server when it cannot): a site on loopback goes without it
		async.apply(db.sortedSetRemove, 'plugins:active', 'nodebb-plugin-emoji-one'),
		function (next) {
			var sizes = spec.settings || {};
			meta.configs.setMultiple({
				postsPerPage: String(sizes.posts_per_page || 4), topicsPerPage: String(sizes.topics_per_page || 4),
				postDelay: '0', initialPostDelay: '0', newbiePostDelay: '0',
				loggerStatus: '1',  // NodeBB's own request log (to its stdout: the site's server.log)
			}, next);
		},
		function (next) {
			async.eachSeries(spec.users, function (name, next) {
				user.create({ username: name, password: spec.password, email: name + '@forum.invalid' }, function (err, uid) {
					uids[name] = uid;
					next(err);
				});
			}, next);
		},
		function (next) {
			// one user signs her posts: the signature is shown under each of them
			user.setUserField(uids[spec.users[1]], 'signature', spec.signature, next);
		},
		function (next) {
			async.eachOfSeries(spec.boards, function (board, b, next) {
				// a board with a `parent` is a subcategory: listed on its parent's page, not on the index
				var parentCid = board.parent === undefined ? 0 : cids[board.parent];
				categories.create({ name: board.title, description: 'Catégorie ' + (b + 1), order: b + 1, parentCid: parentCid },
					function (err, category) {
						cids.push(category && category.cid);
						next(err);
					});
			}, next);
		},
		function (next) {
			async.eachOfSeries(spec.boards, function (board, b, next) {
				async.eachSeries(board.threads, function (thread, next) {
					var tid = null;
					async.eachSeries(thread.posts, function (post, next) {
						var at = Date.parse(post.date);
						var uid = uids[post.author];
						function keep(err, postData) {
							if (err) {
								return next(err);
							}
							byKey[post.key] = postData.pid;
							rows.push({ key: post.key, pid: postData.pid, files: post.stored });
							next();
						}
						attach(post, at, function (err) {
							if (err) {
								return next(err);
							}
							if (tid === null) {
								return topics.post({ uid: uid, cid: cids[b], title: thread.title, content: post.body, timestamp: at },
									function (err, result) {
										if (err) {
											return next(err);
										}
										tid = result.topicData.tid;
										keep(null, result.postData);
									});
							}
							var content = post.body;
							if (post.quote) {  // as NodeBB's composer quotes a post: a blockquote after a mention
								var quoted = spec.quotes[post.key];
								content = '@' + quoted.author + ' said in [' + thread.title + '](/post/' + byKey[quoted.key] +
									'):\n> ' + quoted.text + '\n\n' + content;
							}
							topics.reply({ uid: uid, tid: tid, content: content, timestamp: at }, keep);
						});
					}, next);
				}, next);
			}, next);
		},
		function (next) {
			// edits: the post's new content, by its author or another user (NodeBB shows the editor below it)
			async.eachSeries(spec.edits || [], function (edit, next) {
				posts.getPostField(byKey[edit.key], 'content', function (err, content) {
					if (err) {
						return next(err);
					}
					posts.edit({ uid: uids[edit.editor], pid: byKey[edit.key], content: content + '\n\n' + edit.line,
						handle: '' }, next);
				});
			}, next);
		},
		function (next) {
			// the truth: every post NodeBB holds (its own welcome topic too), read back
			var keys = {};
			var files = {};
			rows.forEach(function (row) {
				keys[row.pid] = row.key;
				files[row.pid] = row.files;
			});
			db.getSortedSetRange('posts:pid', 0, -1, function (err, pids) {
				if (err) {
					return next(err);
				}
				truth(pids, keys, files, function (err, read) {
					rows = read;
					next(err);
				});
			});
		},
	], function (err) {
		if (err) {
			return done(err);
		}
		process.stdout.write(JSON.stringify(rows), function () { done(); });
	});
});
